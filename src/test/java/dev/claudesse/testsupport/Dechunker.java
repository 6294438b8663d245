package dev.claudesse.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Reads a raw HTTP/1.1 response from a socket, skips its head, and hands on its chunked body's bytes. */
public final class Dechunker {

    private Dechunker() {
    }

    public static void readBody(InputStream in, Consumer<byte[]> body) throws IOException {
        while (!line(in).isEmpty()) {
            // status line and headers
        }
        while (true) {
            String size = line(in);
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (length == 0) {
                return;
            }
            body.accept(in.readNBytes(length));
            line(in); // the CRLF after the chunk
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("the response ended early");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
