package dev.claudesse.fake;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A Jetty connector on 127.0.0.1 that speaks TLS with a throwaway certificate and offers HTTP/2 by ALPN,
 * HTTP/1.1 to clients that do not ask for it, as Claude's API does. Shared by the fake Claude of the tests
 * (FakeClaudeH2) and the benchmark's (BenchClaudeH2); tuneH2 sets what differs, such as rate control.
 */
public final class TlsH2Connector {

    private TlsH2Connector() {
    }

    public static ServerConnector create(Server server, ThrowawayCertificate certificate, int port, int maxStreams,
                                         int acceptQueue, Consumer<HTTP2ServerConnectionFactory> tuneH2) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(certificate.keyStore().toString());
        tls.setKeyStorePassword(certificate.password());
        tls.setKeyStoreType("PKCS12");
        HttpConfiguration config = new HttpConfiguration();
        config.addCustomizer(new SecureRequestCustomizer(false)); // the certificate names no host: no SNI check
        HttpConnectionFactory http1 = new HttpConnectionFactory(config);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
        h2.setMaxConcurrentStreams(maxStreams);
        tuneH2.accept(h2);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        ServerConnector connector = new ServerConnector(server, 1, 1,
                new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2, http1);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(acceptQueue);
        connector.setIdleTimeout(Duration.ofMinutes(10).toMillis());
        return connector;
    }
}
