package dev.claudesse.tokens;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Which owner an API token belongs to, by the operator's {@link TokenFile}. The presented token is hashed
 * and its digest compared with every entry of the file in constant time, so how long a lookup takes says
 * nothing about which entry matched, or how much of one.
 */
public final class ApiTokens {

    /** No tokens file configured: no token is anyone's, and presented ones are ignored (see web.Owners). */
    public static final ApiTokens NONE = new ApiTokens(null, MessageDigest::isEqual);

    private final TokenFile file;
    private final BiPredicate<byte[], byte[]> sameDigest;

    /** sameDigest is MessageDigest.isEqual; tests pass one that counts the comparisons. */
    ApiTokens(TokenFile file, BiPredicate<byte[], byte[]> sameDigest) {
        this.file = file;
        this.sameDigest = sameDigest;
    }

    /** NONE without a path; else the tokens of that file, which must be readable now. */
    public static ApiTokens open(Path path) throws IOException {
        return path == null ? NONE : new ApiTokens(TokenFile.load(path), MessageDigest::isEqual);
    }

    /** Whether the server takes API tokens at all. */
    public boolean enabled() {
        return file != null;
    }

    /** The owner name the token was issued to, or null when no entry of the file has its digest. */
    public String ownerOf(String token) {
        if (file == null || token == null) {
            return null;
        }
        byte[] digest = digest(token);
        List<TokenFile.Entry> entries = file.entries();
        String owner = null;
        for (TokenFile.Entry entry : entries) {
            // no early exit: every entry costs the same comparison whether or not one matched before
            if (sameDigest.test(entry.digest(), digest)) {
                owner = entry.owner();
            }
        }
        return owner;
    }

    /** Picks up an edited, replaced or deleted tokens file; the app calls it every few seconds. */
    public void refresh() {
        if (file != null) {
            file.refresh();
        }
    }

    /** SHA-256 of the token's UTF-8 bytes: what the tokens file holds instead of the token. */
    public static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
