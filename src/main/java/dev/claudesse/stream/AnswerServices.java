package dev.claudesse.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.RetryPolicy;
import dev.claudesse.claude.Upstream;
import dev.claudesse.models.ModelPolicy;
import dev.claudesse.store.ConversationStore;

/**
 * What every answer shares: the upstream, the models and their prices, retry rules, JSON, the store, and
 * the monitor that hears how answers go.
 */
public record AnswerServices(Upstream upstream, ModelPolicy models, RetryPolicy retry, ObjectMapper json,
                             ConversationStore store, Monitor monitor) {

    public AnswerServices(Upstream upstream, ModelPolicy models, RetryPolicy retry, ObjectMapper json,
                          ConversationStore store) {
        this(upstream, models, retry, json, store, Monitor.NONE);
    }
}
