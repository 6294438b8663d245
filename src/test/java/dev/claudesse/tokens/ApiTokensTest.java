package dev.claudesse.tokens;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiTokensTest {

    @TempDir
    Path dir;

    static String line(String owner, String token) {
        return owner + " " + HexFormat.of().formatHex(ApiTokens.digest(token)) + "\n";
    }

    Path file(String... lines) throws IOException {
        return Files.writeString(dir.resolve("tokens"), String.join("", lines));
    }

    @Test
    void theDigestIsSha256OfTheUtf8Bytes() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HexFormat.of().formatHex(ApiTokens.digest("abc")));
    }

    @Test
    void aTokenNamesItsOwnerAndNoOtherTokenDoes() throws IOException {
        ApiTokens tokens = ApiTokens.open(file(line("alice", "csse_a1"), line("bob", "csse_b1"), line("alice", "csse_a2")));
        assertTrue(tokens.enabled());
        assertEquals("alice", tokens.ownerOf("csse_a1"));
        assertEquals("alice", tokens.ownerOf("csse_a2"), "an owner may have several tokens (rotation)");
        assertEquals("bob", tokens.ownerOf("csse_b1"));
        assertNull(tokens.ownerOf("csse_b2"));
        assertNull(tokens.ownerOf("csse_b1 "), "exactly the token");
        assertNull(tokens.ownerOf(""));
        assertNull(tokens.ownerOf(null));
    }

    @Test
    void withoutAFileNothingIsAnyonesToken() throws IOException {
        ApiTokens none = ApiTokens.open(null);
        assertFalse(none.enabled());
        assertNull(none.ownerOf("csse_a1"));
        none.refresh();
    }

    @Test
    void everyEntryIsComparedInConstantTimeWhicheverMatches() throws IOException {
        TokenFile file = TokenFile.load(file(line("alice", "csse_a1"), line("bob", "csse_b1"), line("carol", "csse_c1")));
        AtomicInteger comparisons = new AtomicInteger();
        ApiTokens tokens = new ApiTokens(file, (stored, presented) -> {
            comparisons.incrementAndGet();
            return MessageDigest.isEqual(stored, presented);
        });
        for (String token : new String[] {"csse_a1", "csse_c1", "csse_wrong"}) {
            comparisons.set(0);
            tokens.ownerOf(token);
            assertEquals(3, comparisons.get(), "compared with every entry for " + token);
        }
        assertEquals("alice", tokens.ownerOf("csse_a1"));
    }

    @Test
    void aRevokedTokenStopsAfterARefresh() throws IOException {
        Path path = file(line("alice", "csse_a1"), line("bob", "csse_b1"));
        ApiTokens tokens = ApiTokens.open(path);
        assertEquals("bob", tokens.ownerOf("csse_b1"));
        Files.writeString(path, line("alice", "csse_a1"));
        tokens.refresh();
        assertNull(tokens.ownerOf("csse_b1"));
        assertEquals("alice", tokens.ownerOf("csse_a1"));
    }
}
