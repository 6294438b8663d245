package dev.claudesse.tokens;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IssueTokenTest {

    static final LocalDate DAY = LocalDate.of(2026, 5, 1);

    @TempDir
    Path dir;

    @Test
    void aTokenIsThePrefixAnd256RandomBitsInBase64url() {
        IssueToken.Issued issued = IssueToken.issue("alice", "", new SecureRandom(), DAY);
        assertTrue(issued.token().matches("csse_[A-Za-z0-9_-]{43}"), issued.token());
        assertNotEquals(issued.token(), IssueToken.issue("alice", "", new SecureRandom(), DAY).token());
    }

    @Test
    void theLineHoldsTheOwnerAndTheTokensHashAndReadsBack() throws IOException {
        IssueToken.Issued issued = IssueToken.issue("ci-bot", "build\nserver  7", new SecureRandom(), DAY);
        assertEquals("ci-bot " + HexFormat.of().formatHex(ApiTokens.digest(issued.token()))
                + " # issued 2026-05-01 build server 7", issued.line());
        TokenFile.Contents contents = TokenFile.parse(List.of(issued.line()));
        assertEquals(List.of(), contents.skipped());
        assertEquals("ci-bot", contents.entries().getFirst().owner());
        assertArrayEquals(ApiTokens.digest(issued.token()), contents.entries().getFirst().digest());

        ApiTokens tokens = ApiTokens.open(Files.writeString(dir.resolve("tokens"), issued.line() + "\n"));
        assertEquals("ci-bot", tokens.ownerOf(issued.token()));
    }

    @Test
    void theCommandPrintsATokenWhosePrintedLineMatchesIt() {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            IssueToken.main(new String[] {"alice@example.org", "laptop"});
        } finally {
            System.setOut(out);
        }
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, lines.size(), lines.toString());
        String token = lines.get(1);
        String line = lines.get(3);
        assertTrue(token.startsWith(IssueToken.PREFIX), token);
        assertTrue(line.startsWith("alice@example.org " + HexFormat.of().formatHex(ApiTokens.digest(token)) + " # issued "),
                line);
        assertTrue(line.endsWith(" laptop"), line);
        assertFalse(line.contains(token), "the line never holds the token");
    }

    @Test
    void anOwnerNameTheFileWouldRefuseIsRefusedHere() {
        assertThrows(IllegalArgumentException.class, () -> IssueToken.issue("token:alice", "", new SecureRandom(), DAY));
        assertThrows(IllegalArgumentException.class, () -> IssueToken.issue("", "", new SecureRandom(), DAY));
        assertThrows(IllegalArgumentException.class, () -> IssueToken.issue("a".repeat(101), "", new SecureRandom(), DAY));
    }
}
