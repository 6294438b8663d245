package dev.claudesse.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.protocol.SseFrames;


/** The product's own protocol (docs/protocol.md): named events with ids 1, 2, 3, … and JSON data. */
public final class ProductDialect implements Dialect {

    public static final ProductDialect INSTANCE = new ProductDialect();

    private ProductDialect() {
    }

    @Override
    public String name() {
        return "product";
    }

    @Override
    public Encoder encoder(ObjectMapper json) {
        return new Encoder() {
            private long nextId = 1;

            @Override
            public byte[] event(AnswerEvent event) {
                try {
                    return SseFrames.frame(nextId++, event.name(), json.writeValueAsBytes(event));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public byte[] text(String delta) {
                return SseFrames.textFrame(nextId++, "chunk", delta);
            }

            @Override
            public byte[] thinking(String delta) {
                return SseFrames.textFrame(nextId++, "thinking", delta);
            }
        };
    }

    @Override
    public byte[] opening() {
        return SseFrames.RETRY;
    }

    @Override
    public byte[] keepAlive() {
        return SseFrames.PING;
    }
}
