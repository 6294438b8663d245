package dev.claudesse.dialect;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Map;

/**
 * A wire format for answers: how an answer's events become bytes on an event stream. The engine is the
 * same for every dialect; a dialect is fixed when an answer starts, so each event is encoded once and
 * every connection that follows the answer writes the same bytes. docs/architecture.md shows how to add one.
 */
public interface Dialect {

    /** No bytes: what a dialect without an opening (or, not streaming, without keep-alives) writes. Never written to. */
    byte[] NOTHING = new byte[0];

    /** A short name for logs and metrics: product, ui-message, messages, chat-completions. */
    String name();

    /** A fresh encoder for one answer. */
    Encoder encoder(ObjectMapper json);

    /** Response headers beyond the event stream's own (content type, no-cache, no proxy buffering). */
    default Map<String, String> headers() {
        return Map.of();
    }

    /** Written first on every connection, before any event (the product's retry hint), or empty. */
    default byte[] opening() {
        return NOTHING;
    }

    /** Written when a stream has been quiet for the ping interval; never something a client must parse. */
    byte[] keepAlive();

    /**
     * False when the client asked for one JSON body instead of a stream (stream: false): the encoder then
     * returns that whole body for the terminal event and nothing before it, and the connection sends it
     * with the encoder's status() and this content type once the answer ended.
     */
    default boolean streams() {
        return true;
    }

    /**
     * One answer's encoder: called by one thread at a time, in the answer's order; it may keep state (ids,
     * open blocks). Each call returns the bytes of zero or more complete events.
     */
    interface Encoder {

        byte[] event(AnswerEvent event);

        /** A piece of answer text: the per-delta hot path. */
        byte[] text(String delta);

        /** A piece of thinking, sent only when the request asked for it. */
        byte[] thinking(String delta);

        /**
         * One of Claude's own events as it came (its type and JSON data), before the engine decodes it, for
         * a dialect that relays Claude's stream; null (the default) for one that speaks only the engine's
         * vocabulary. A retry before the first text shows as a Status event: what was held back for the
         * failed attempt is dropped then.
         */
        default byte[] upstream(String type, String data) {
            return null;
        }

        /** For a whole (non-streaming) body: its HTTP status, read once the answer ended. */
        default int status() {
            return 200;
        }
    }
}
