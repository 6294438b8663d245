package dev.claudesse.store;

import dev.claudesse.claude.StopDetails;
import dev.claudesse.claude.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FinishSpoolTest {

    @TempDir
    Path dir;

    @Test
    void entriesComeBackExactlyInOrder() throws Exception {
        FinishSpool spool = new FinishSpool(dir.resolve("spool.jsonl"));
        AnswerEnd full = new AnswerEnd("m1", AnswerStatus.STOPPED, "stopped", "Hällo \"world\"\nline 2 \uD83D\uDE00",
                "hmm", new Usage(1, 2, 3, 4, 5, 6), new BigDecimal("0.0000012345"), true, "req_1", null, null,
                StoreFixtures.T0, StoreFixtures.T0.plusSeconds(3), null);
        AnswerEnd refused = new AnswerEnd("m3", AnswerStatus.COMPLETE, "refusal", "I can't", null,
                new Usage(1, 2, 0, 0, 0, 0), new BigDecimal("0.0001"), false, "req_3", null, null, null,
                StoreFixtures.T0, new StopDetails("refusal", "cyber", "Declined: it could enable cyber harm."));
        AnswerEnd sparse = new AnswerEnd("m2", AnswerStatus.ERROR, null, null, null, null, null, false, null,
                "api_error", "boom", null, null, null);

        spool.append(full);
        spool.append(sparse);
        spool.append(refused);

        AnswerEnd sparseBack = new AnswerEnd("m2", AnswerStatus.ERROR, null, null, null, Usage.NONE, null, false,
                null, "api_error", "boom", null, null, null);
        assertEquals(List.of(full, sparseBack, refused), spool.readAll());
        assertEquals(3, Files.readAllLines(spool.file()).size(), "one line per answer");
    }

    @Test
    void aTornLastLineIsSkippedAndClearEmptiesTheFile() throws Exception {
        FinishSpool spool = new FinishSpool(dir.resolve("spool.jsonl"));
        spool.append(StoreFixtures.complete("m1", "kept"));
        Files.writeString(spool.file(), "{\"messageId\":\"m2\",\"sta", StandardOpenOption.APPEND);

        List<AnswerEnd> ends = spool.readAll();

        assertEquals(1, ends.size());
        assertEquals("kept", ends.getFirst().text());
        spool.clear();
        assertTrue(spool.isEmpty());
        assertEquals(List.of(), spool.readAll());
    }
}
