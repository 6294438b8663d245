package dev.claudesse.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.PriceTable;
import dev.claudesse.claude.RetryPolicy;
import dev.claudesse.claude.Upstream;
import dev.claudesse.store.ConversationStore;

/** What every answer shares: the upstream, prices, retry rules, JSON and the store. */
public record AnswerServices(Upstream upstream, PriceTable prices, RetryPolicy retry, ObjectMapper json,
                             ConversationStore store) {
}
