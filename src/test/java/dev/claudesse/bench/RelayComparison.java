package dev.claudesse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts two load reports of the same level side by side, the WAR's and a peer relay's, with the ratio WAR ÷ peer
 * for each measure: below 1 the WAR is better on times, CPU and memory, above 1 on answers per second.
 * Each file holds the load client's output, whose last line is its JSON line.
 *
 * <pre>java -cp ... dev.claudesse.bench.RelayComparison --war FILE --peer FILE</pre>
 */
public final class RelayComparison {

    /** A row: its name, the JSON figure, the unit. */
    private record Measure(String name, String key, String unit) {
    }

    private static final List<Measure> MEASURES = List.of(
            new Measure("answers per second", "answersPerSecond", ""),
            new Measure("added delay per chunk p50", "delayP50Ms", " ms"),
            new Measure("added delay per chunk p90", "delayP90Ms", " ms"),
            new Measure("added delay per chunk p99", "delayP99Ms", " ms"),
            new Measure("time to headers p50", "headersP50Ms", " ms"),
            new Measure("time to headers p99", "headersP99Ms", " ms"),
            new Measure("time to first chunk p99", "firstChunkP99Ms", " ms"),
            new Measure("app CPU per relayed chunk", "appCpuUsPerChunk", " us"),
            new Measure("app RSS per open stream", "appKbPerStream", " KB"),
            new Measure("app RSS at peak", "appRssPeakMb", " MB"),
            new Measure("app CPU in the run", "appCpuMs", " ms"),
            new Measure("chunks per second", "chunksPerSecond", ""));

    private RelayComparison() {
    }

    public static void main(String[] arguments) throws IOException {
        Args args = new Args(arguments);
        String war = lastLine(args.text("--war", null));
        String peer = lastLine(args.text("--peer", null));
        System.out.print(table(war, peer));
    }

    static String table(String war, String peer) {
        String peerName = text(peer, "relay");
        StringBuilder out = new StringBuilder();
        out.append(String.format("%n== %s: WAR vs %s (ratio WAR / %s) ==%n", text(war, "level"), peerName, peerName));
        out.append(String.format("  %-30s %16s %16s %10s%n", "", "war", peerName, "war/" + peerName));
        out.append(String.format("  %-30s %16s %16s%n", "completed / failed",
                text(war, "completed") + " / " + text(war, "failed"), text(peer, "completed") + " / " + text(peer, "failed")));
        for (Measure measure : MEASURES) {
            Double a = number(war, measure.key());
            Double b = number(peer, measure.key());
            if (a == null && b == null) {
                continue; // not a figure of this level (answers per second outside a closed loop)
            }
            // A figure at or below 0 (memory per stream when the heap shrank) is noise, and so would be its ratio.
            String ratio = a != null && b != null && a > 0 && b > 0
                    ? String.format(Locale.ROOT, "%.2f", a / b) : "n/a";
            out.append(String.format("  %-30s %16s %16s %10s%n", measure.name(), value(a, measure.unit()),
                    value(b, measure.unit()), ratio));
        }
        return out.toString();
    }

    private static String value(Double number, String unit) {
        if (number == null) {
            return "n/a";
        }
        // Sub-millisecond delays are the interesting ones at low load: keep two decimals below 10.
        return String.format(Locale.ROOT, Math.abs(number) < 10 ? "%.2f%s" : "%.1f%s", number, unit);
    }

    /** The value of a top-level figure in our own flat JSON line (LoadReport's), or null. */
    static Double number(String json, String key) {
        String value = text(json, key);
        try {
            return value == null || value.equals("null") ? null : Double.parseDouble(value);
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    private static String text(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(\"[^\"]*\"|[^,}]*)").matcher(json);
        if (!m.find()) {
            return null;
        }
        String value = m.group(1);
        return value.startsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    private static String lastLine(String file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("--war and --peer are required");
        }
        List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("{")) {
                return lines.get(i);
            }
        }
        throw new IOException("no JSON line in " + file);
    }
}
