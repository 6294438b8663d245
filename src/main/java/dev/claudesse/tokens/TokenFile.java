package dev.claudesse.tokens;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The operator's file of API tokens (CLAUDE_SSE_API_TOKENS_FILE). One token a line:
 *
 * <pre>
 * # comments and blank lines are skipped
 * &lt;owner-name&gt; &lt;SHA-256 of the token, 64 hex digits&gt; [# a note for people]
 * </pre>
 *
 * The file holds digests only, so a leaked copy lets no one in. {@link #refresh()} reads it again when it
 * changed, so a deleted line stops its token without a restart. Nothing read from the file is ever logged
 * (a line might hold a pasted token by mistake): a line that does not parse is reported by its number.
 */
public final class TokenFile {

    /** Letters, digits and . _ - @; becomes the owner "token:&lt;name&gt;". */
    public static final Pattern OWNER_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,100}");
    private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern SPACE = Pattern.compile("\\s+");
    private static final Logger LOG = Logger.getLogger(TokenFile.class.getName());

    /** One token of the file: whose it is and the SHA-256 of its UTF-8 bytes. */
    public record Entry(String owner, byte[] digest, int line) {
    }

    /** A line left out, with why, never with what it said. */
    public record Skipped(int line, String reason) {
    }

    /** What one reading of the file gave. */
    public record Contents(List<Entry> entries, List<Skipped> skipped) {

        long owners() {
            return entries.stream().map(Entry::owner).distinct().count();
        }
    }

    /** What identifies one version of the file on disk; a different stamp means it must be read again. */
    private record Stamp(FileTime modified, long size, Object fileKey) {
    }

    private final Path path;
    private volatile List<Entry> entries;
    private Stamp stamp;
    private boolean unreadable;

    private TokenFile(Path path, Stamp stamp, Contents contents) {
        this.path = path;
        this.stamp = stamp;
        this.entries = contents.entries();
    }

    /**
     * Reads the file at startup. A missing or unreadable file is an IOException, so the app refuses to start
     * rather than run with no tokens the operator believes are in force.
     */
    public static TokenFile load(Path path) throws IOException {
        Stamp stamp;
        Contents contents;
        try {
            stamp = stamp(path);
            contents = read(path);
        } catch (IOException e) {
            throw new IOException("the API tokens file " + path + " (CLAUDE_SSE_API_TOKENS_FILE) cannot be read: "
                    + why(e), e);
        }
        report(path, contents, "read");
        return new TokenFile(path, stamp, contents);
    }

    /** The tokens in force: from the latest reading that succeeded, or none while the file is gone. */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * Reads the file again if its modification time, size or identity (an editor's rename) changed. A file
     * that disappeared or cannot be read any more accepts no token until it is back: revoking by deleting the
     * file must work, and an operator is warned once.
     */
    public synchronized void refresh() {
        Stamp now;
        Contents contents;
        try {
            now = stamp(path);
            if (now.equals(stamp)) {
                return;
            }
            // stamped before reading: a change during the read shows up as a new stamp next time
            contents = read(path);
        } catch (IOException e) {
            if (!unreadable) {
                LOG.warning("the API tokens file " + path + " cannot be read (" + why(e)
                        + "); no API token is accepted until it is back");
            }
            unreadable = true;
            stamp = null;
            entries = List.of();
            return;
        }
        unreadable = false;
        stamp = now;
        entries = contents.entries();
        report(path, contents, "changed");
    }

    private static String why(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "it does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static Stamp stamp(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IOException("not a regular file");
        }
        return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
    }

    private static Contents read(Path path) throws IOException {
        // decoded leniently: a stray byte in a comment must not cost every token of the file
        String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
        return parse(text.lines().toList());
    }

    private static void report(Path path, Contents contents, String how) {
        for (Skipped skipped : contents.skipped()) {
            LOG.warning("the API tokens file " + path + ": line " + skipped.line() + " skipped: " + skipped.reason());
        }
        LOG.info("the API tokens file " + path + " " + how + ": tokens in force " + contents.entries().size()
                + ", owners " + contents.owners());
    }

    /** The entries of the file's lines, and the lines skipped. */
    public static Contents parse(List<String> lines) {
        Map<String, Entry> byDigest = new LinkedHashMap<>();
        Map<String, Integer> conflicting = new HashMap<>();
        Set<String> dropped = new HashSet<>();
        List<Skipped> skipped = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = SPACE.split(line, 3);
            if (fields.length < 2) {
                skipped.add(new Skipped(number, "expected \"<owner-name> <sha256-hex>\""));
                continue;
            }
            if (fields.length == 3 && !fields[2].startsWith("#")) {
                skipped.add(new Skipped(number, "after the hash only a # comment may follow"));
                continue;
            }
            if (!OWNER_NAME.matcher(fields[0]).matches()) {
                skipped.add(new Skipped(number, "the owner name must be 1 to 100 letters, digits, '.', '_', '-' or '@'"));
                continue;
            }
            if (!HEX_DIGEST.matcher(fields[1]).matches()) {
                skipped.add(new Skipped(number,
                        "the second field must be the token's SHA-256 in 64 hex digits, never the token itself"));
                continue;
            }
            String hex = fields[1].toLowerCase(java.util.Locale.ROOT);
            Entry entry = new Entry(fields[0], HexFormat.of().parseHex(hex), number);
            Entry earlier = byDigest.get(hex);
            if (dropped.contains(hex) || (earlier != null && !earlier.owner().equals(entry.owner()))) {
                // one token, two owners: neither is right for sure, so the token works for nobody
                int first = earlier != null ? earlier.line() : conflicting.get(hex);
                skipped.add(new Skipped(number, "the same hash as line " + first
                        + " with another owner; neither line is used"));
                conflicting.putIfAbsent(hex, first);
                dropped.add(hex);
                byDigest.remove(hex);
                continue;
            }
            byDigest.putIfAbsent(hex, entry);
        }
        return new Contents(List.copyOf(byDigest.values()), List.copyOf(skipped));
    }
}
