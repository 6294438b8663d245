package dev.claudesse.claude;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/**
 * Whom the app trusts for Claude's base URL when it is not the public API: the certificates of a PEM file
 * (a private gateway's CA, or a test's throwaway certificate), instead of the JVM's default trust store.
 * Only the upstream's HttpClients get this context; nothing else in the JVM changes.
 */
public final class UpstreamTrust {

    private UpstreamTrust() {
    }

    /** A TLS context that trusts exactly the certificates in the PEM file; fails if it holds none. */
    public static SSLContext fromPemFile(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pem)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + pem);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int n = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("upstream-" + n++, certificate);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
