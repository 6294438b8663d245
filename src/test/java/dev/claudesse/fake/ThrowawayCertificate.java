package dev.claudesse.fake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 made at test time with the JDK's keytool: a PKCS12 key store
 * for the server, and the certificate alone as PEM for the client to trust. Nothing is checked in.
 */
public record ThrowawayCertificate(Path keyStore, String password, Path certificatePem) {

    /** Makes one in a new temporary folder; takes about a second (keytool is a JVM of its own). */
    public static ThrowawayCertificate create() {
        try {
            Path dir = Files.createTempDirectory("claude-sse-tls");
            Path store = dir.resolve("fake-claude.p12");
            Path pem = dir.resolve("fake-claude.pem");
            String password = "throwaway";
            keytool("-genkeypair", "-alias", "fake", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", password);
            keytool("-exportcert", "-rfc", "-alias", "fake", "-keystore", store.toString(), "-storepass", password,
                    "-file", pem.toString());
            return new ThrowawayCertificate(store, password, pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keytool(String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
    }
}
