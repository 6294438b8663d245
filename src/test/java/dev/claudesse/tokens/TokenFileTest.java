package dev.claudesse.tokens;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenFileTest {

    static final String ALICE_TOKEN = "csse_alice-token";
    static final String BOB_TOKEN = "csse_bob-token";
    static final String ALICE = "alice " + hex(ALICE_TOKEN);
    static final String BOB = "bob " + hex(BOB_TOKEN);

    @TempDir
    Path dir;
    final List<String> logged = new ArrayList<>();
    final Logger logger = Logger.getLogger(TokenFile.class.getName());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static String hex(String token) {
        return HexFormat.of().formatHex(ApiTokens.digest(token));
    }

    @BeforeEach
    void captureLogs() {
        logger.addHandler(capture);
    }

    @AfterEach
    void releaseLogs() {
        logger.removeHandler(capture);
    }

    static List<String> owners(TokenFile.Contents contents) {
        return contents.entries().stream().map(TokenFile.Entry::owner).toList();
    }

    static List<Integer> skippedLines(TokenFile.Contents contents) {
        return contents.skipped().stream().map(TokenFile.Skipped::line).toList();
    }

    @Test
    void readsOwnersAndDigestsAndSkipsCommentsAndBlankLines() {
        TokenFile.Contents contents = TokenFile.parse(List.of(
                "\uFEFF# issued by ops",
                "",
                "   # indented comment",
                ALICE + "   # laptop, issued 2026-05-01",
                "\t" + BOB.replace(" ", "\t") + "\t",
                "ci.bot_1-x@example.org " + hex("ci").toUpperCase()));
        assertEquals(List.of("alice", "bob", "ci.bot_1-x@example.org"), owners(contents));
        assertEquals(List.of(), contents.skipped());
        assertArrayEquals(ApiTokens.digest(ALICE_TOKEN), contents.entries().get(0).digest());
        assertArrayEquals(ApiTokens.digest("ci"), contents.entries().get(2).digest(), "upper-case hex is the same digest");
        assertEquals(4, contents.entries().get(0).line());
    }

    @Test
    void malformedLinesAreSkippedByNumber() {
        TokenFile.Contents contents = TokenFile.parse(List.of(
                ALICE,
                "alice",                                    // 2: no hash
                "carol csse_pasted-the-token-itself",       // 3: a token where the hash goes
                "dave " + hex("d").substring(1),            // 4: 63 digits
                "erin " + hex("e") + " laptop",             // 5: trailing text that is not a comment
                "token:frank " + hex("f"),                  // 6: a colon in the owner name
                "gr ace " + hex("g"),                       // 7: a space in it (reads as three fields)
                "x".repeat(101) + " " + hex("h"),           // 8: 101 characters
                "x".repeat(100) + " " + hex("i"),           // fine: 100 characters
                BOB));
        assertEquals(List.of(2, 3, 4, 5, 6, 7, 8), skippedLines(contents));
        assertEquals(List.of("alice", "x".repeat(100), "bob"), owners(contents));
        for (TokenFile.Skipped skipped : contents.skipped()) {
            assertFalse(skipped.reason().contains("pasted"), "a reason never quotes the line: " + skipped.reason());
        }
    }

    @Test
    void oneHashForTwoOwnersWorksForNeither() {
        String shared = hex("shared");
        TokenFile.Contents contents = TokenFile.parse(List.of(
                "alice " + shared, BOB, "mallory " + shared, "alice " + shared, "bob " + hex(BOB_TOKEN)));
        assertEquals(List.of("bob"), owners(contents), "the same line twice for one owner is harmless");
        assertEquals(List.of(3, 4), skippedLines(contents));
    }

    @Test
    void aMissingOrUnreadableFileRefusesTheStart() throws IOException {
        IOException missing = assertThrows(IOException.class, () -> TokenFile.load(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("CLAUDE_SSE_API_TOKENS_FILE"), missing.getMessage());
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        IOException folder = assertThrows(IOException.class, () -> TokenFile.load(dir));
        assertTrue(folder.getMessage().contains("cannot be read"), folder.getMessage());
    }

    @Test
    void anEmptyFileLoadsWithNoTokens() throws IOException {
        Path file = Files.writeString(dir.resolve("tokens"), "# nobody yet\n");
        assertEquals(List.of(), TokenFile.load(file).entries());
    }

    @Test
    void aRevokedLineGoesOnRefreshAndAnUnchangedFileIsNotReadAgain() throws IOException {
        Path file = Files.writeString(dir.resolve("tokens"), ALICE + "\n" + BOB + "\n");
        TokenFile tokens = TokenFile.load(file);
        List<TokenFile.Entry> before = tokens.entries();
        tokens.refresh();
        assertSame(before, tokens.entries(), "unchanged: not parsed again");

        Files.writeString(file, BOB + "\n");
        tokens.refresh();
        assertEquals(List.of("bob"), tokens.entries().stream().map(TokenFile.Entry::owner).toList());
    }

    @Test
    void anEditOfTheSameSizeIsSeenByItsTimeAndAReplacedFileByItsIdentity() throws IOException {
        Path file = Files.writeString(dir.resolve("tokens"), "alice " + hex("1") + "\n");
        FileTime time = Files.getLastModifiedTime(file);
        TokenFile tokens = TokenFile.load(file);

        Files.writeString(file, "bobby " + hex("1") + "\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(time.toMillis() + 1000));
        tokens.refresh();
        assertEquals("bobby", tokens.entries().getFirst().owner());

        // as an editor saves: a new file renamed over the old one, here with the very same size and time
        Path next = Files.writeString(dir.resolve("tokens.new"), "carol " + hex("1") + "\n");
        Files.setLastModifiedTime(next, Files.getLastModifiedTime(file));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        tokens.refresh();
        assertEquals("carol", tokens.entries().getFirst().owner());
    }

    @Test
    void aDeletedFileAcceptsNoTokenUntilItIsBack() throws IOException {
        Path file = Files.writeString(dir.resolve("tokens"), ALICE + "\n");
        TokenFile tokens = TokenFile.load(file);
        Files.delete(file);
        tokens.refresh();
        tokens.refresh();
        assertEquals(List.of(), tokens.entries());
        assertEquals(1, logged.stream().filter(m -> m.contains("no API token is accepted")).count(),
                "warned once: " + logged);

        Files.writeString(file, ALICE + "\n");
        tokens.refresh();
        assertEquals(List.of("alice"), tokens.entries().stream().map(TokenFile.Entry::owner).toList());
    }

    @Test
    void logsNameLinesNeverTheirContent() throws IOException {
        Path file = Files.writeString(dir.resolve("tokens"), ALICE + "\ncarol " + BOB_TOKEN + "\n");
        TokenFile.load(file);
        String all = String.join("\n", logged);
        assertTrue(all.contains("line 2 skipped"), all);
        assertTrue(all.contains("tokens in force 1, owners 1"), all);
        assertFalse(all.contains(BOB_TOKEN), all);
        assertFalse(all.contains(hex(ALICE_TOKEN)), all);
        assertFalse(all.contains("carol"), all);
    }
}
