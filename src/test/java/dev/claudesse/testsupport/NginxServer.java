package dev.claudesse.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's real nginx in front of the app, configured with the project's nginx/ files unchanged: a tiny
 * generated nginx.conf (paths under target/it/, a free port) includes nginx/claude-sse.conf in its server
 * block, and a copy of nginx/claude-sse-upstream.conf whose one address line points at the app.
 */
public final class NginxServer implements AutoCloseable {

    public static final String BINARY = "/usr/sbin/nginx";
    /** What the project's upstream file points at, and what users edit. */
    static final String UPSTREAM_ADDRESS_LINE = "server 127.0.0.1:8080;";

    private final int port;
    private final ServerProcess process;

    private NginxServer(int port, ServerProcess process) {
        this.port = port;
        this.process = process;
    }

    /** Starts nginx proxying to the app at appPort; skips (or fails in CI) when nginx is not installed. */
    public static NginxServer start(int appPort) throws IOException, InterruptedException {
        Path dir = Distributions.freshDirectory("nginx");
        Path upstream = dir.resolve("claude-sse-upstream.conf");
        String upstreamText = Files.readString(Distributions.projectFile("nginx/claude-sse-upstream.conf"));
        if (!upstreamText.contains(UPSTREAM_ADDRESS_LINE)) {
            throw new IllegalStateException("nginx/claude-sse-upstream.conf has no line " + UPSTREAM_ADDRESS_LINE);
        }
        Files.writeString(upstream, upstreamText.replace(UPSTREAM_ADDRESS_LINE, "server 127.0.0.1:" + appPort + ";"));
        return start(dir, upstream);
    }

    /**
     * Starts nginx with the project's nginx/claude-sse-nodes.conf (several nodes) in place of the one-node
     * upstream file: each address the shipped file lists (a key, such as "127.0.0.1:8081") becomes the
     * port given for it.
     */
    public static NginxServer startNodes(Map<String, Integer> portsByShippedAddress)
            throws IOException, InterruptedException {
        Path dir = Distributions.freshDirectory("nginx-nodes");
        Path nodes = dir.resolve("claude-sse-nodes.conf");
        String text = Files.readString(Distributions.projectFile("nginx/claude-sse-nodes.conf"));
        for (Map.Entry<String, Integer> address : portsByShippedAddress.entrySet()) {
            String line = "server " + address.getKey() + ";";
            if (!text.contains(line)) {
                throw new IllegalStateException("nginx/claude-sse-nodes.conf has no line " + line);
            }
            // the node's own line, and its `backup` lines in the other nodes' groups
            text = text.replace(line, "server 127.0.0.1:" + address.getValue() + ";")
                    .replace("server " + address.getKey() + " backup;", "server 127.0.0.1:" + address.getValue() + " backup;");
        }
        Files.writeString(nodes, text);
        return start(dir, nodes);
    }

    private static NginxServer start(Path dir, Path httpInclude) throws IOException, InterruptedException {
        Path nginx = SystemTool.require(BINARY, "nginx");
        int port = FreePort.pick();
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, mainConfig(dir, httpInclude, port), StandardCharsets.UTF_8);
        ServerProcess process = ServerProcess.start("nginx",
                List.of(nginx.toString(), "-e", dir.resolve("error.log").toString(), "-p", dir.toString(),
                        "-c", conf.toString()),
                dir, Map.of(), dir.resolve("console.log"));
        NginxServer server = new NginxServer(port, process);
        try {
            process.awaitOk(server.baseUri().resolve("api/health"), Duration.ofSeconds(20));
        } catch (AssertionError | InterruptedException e) {
            process.close();
            throw new AssertionError(e.getMessage() + "\nnginx error.log:\n" + Files.readString(dir.resolve("error.log")), e);
        }
        return server;
    }

    /** The smallest nginx.conf that runs as this user in the foreground with its files under dir. */
    private static String mainConfig(Path dir, Path upstream, int port) {
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        return user + """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    # A site that compresses everything: the project's file must still keep streams uncompressed.
                    gzip on;
                    gzip_types *;
                    gzip_min_length 1;
                    include %2$s;
                    server {
                        listen 127.0.0.1:%3$d;
                        include %4$s;
                    }
                }
                """.formatted(dir, upstream, port, Distributions.projectFile("nginx/claude-sse.conf"));
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public ServerProcess process() {
        return process;
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
