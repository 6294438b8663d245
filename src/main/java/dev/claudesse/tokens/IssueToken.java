package dev.claudesse.tokens;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Makes a new API token for an owner: prints the token, which exists nowhere else afterwards, and the line
 * for the tokens file, which holds only its SHA-256. Needs nothing but the JDK and the app's classes:
 *
 * <pre>
 * java -cp WEB-INF/classes dev.claudesse.tokens.IssueToken &lt;owner-name&gt; [note...]
 * </pre>
 */
public final class IssueToken {

    /** Marks our tokens, so they can be told apart from Claude keys and found by secret scanners. */
    public static final String PREFIX = "csse_";
    private static final int RANDOM_BYTES = 32;

    /** A new token and its line for the tokens file. */
    public record Issued(String token, String line) {
    }

    private IssueToken() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !TokenFile.OWNER_NAME.matcher(args[0]).matches()) {
            System.err.println("usage: IssueToken <owner-name> [note...]");
            System.err.println("  owner-name: 1 to 100 letters, digits, '.', '_', '-' or '@'; the caller acts as owner \"token:<owner-name>\"");
            System.exit(2);
        }
        String note = String.join(" ", java.util.Arrays.copyOfRange(args, 1, args.length));
        Issued issued = issue(args[0], note, new SecureRandom(), LocalDate.now(ZoneOffset.UTC));
        System.out.println("API token for " + args[0] + " (shown this once; the server keeps only its SHA-256):");
        System.out.println(issued.token());
        System.out.println("Append this line to the file named by CLAUDE_SSE_API_TOKENS_FILE (in force within seconds):");
        System.out.println(issued.line());
    }

    /** 256 random bits, base64url without padding, after the prefix; the line names the owner and the digest. */
    public static Issued issue(String owner, String note, SecureRandom random, LocalDate today) {
        if (!TokenFile.OWNER_NAME.matcher(owner).matches()) {
            throw new IllegalArgumentException("owner name must be 1 to 100 letters, digits, '.', '_', '-' or '@'");
        }
        byte[] secret = new byte[RANDOM_BYTES];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        // the note goes after "#" and stays on its line whatever the operator typed
        String comment = "issued " + today + (note == null || note.isBlank() ? "" : " " + note.strip().replaceAll("\\s+", " "));
        String line = owner + " " + HexFormat.of().formatHex(ApiTokens.digest(token)) + " # " + comment;
        return new Issued(token, line);
    }
}
