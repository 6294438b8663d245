package dev.claudesse.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every setting the code reads is in README's table and in conf/claude-sse.env.sample, and nothing else is. */
class SettingsDocumentedTest {

    private static final Pattern NAME = Pattern.compile("(ANTHROPIC_[A-Z_]+|CLAUDE_SSE_[A-Z_]+)");

    @Test
    void readmeTableAndSampleFileNameTheSameSettings() throws IOException {
        assertEquals(readmeTable(), sampleFile());
    }

    @Test
    void everySettingTheCodeReadsIsDocumented() throws IOException {
        Set<String> read = readByCode();
        assertTrue(read.size() > 15, "found the settings in the code: " + read);
        Set<String> undocumented = new TreeSet<>(read);
        undocumented.removeAll(readmeTable());
        assertEquals(Set.of(), undocumented, "settings read by src/main but missing from README and the sample");
    }

    /** Names of the rows "| `NAME` | default | meaning |" of README.md. */
    static Set<String> readmeTable() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern row = Pattern.compile("^\\| `([A-Z_]+)` \\|");
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Names of the "#NAME=value" lines of the sample. */
    static Set<String> sampleFile() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern setting = Pattern.compile("^#?([A-Z_]+)=");
        for (String line : Files.readAllLines(Path.of("conf/claude-sse.env.sample"))) {
            Matcher m = setting.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Every "ANTHROPIC_..." or "CLAUDE_SSE_..." string literal in the main code. */
    static Set<String> readByCode() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern literal = Pattern.compile("\"" + NAME.pattern() + "\"");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = literal.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
