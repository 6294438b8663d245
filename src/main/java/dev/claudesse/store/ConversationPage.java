package dev.claudesse.store;

import java.util.List;

/** One page of an owner's conversations; nextOffset is null on the last page. */
public record ConversationPage(List<ConversationSummary> conversations, Integer nextOffset) {
}
