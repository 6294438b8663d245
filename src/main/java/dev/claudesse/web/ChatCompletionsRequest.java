package dev.claudesse.web;

import dev.claudesse.claude.Message;

import java.util.List;

/**
 * A checked POST v1/chat/completions body (OpenAI's Chat Completions): the conversation as the client
 * sends it (turns alternating, ending with the question, with its images), the question's text, the
 * options every dialect shares (system joined from the system and developer messages), and what only this
 * dialect carries: top_p (null when absent or 1), stop sequences (empty when none), stream and
 * stream_options.include_usage.
 */
record ChatCompletionsRequest(List<Message> turns, String question, ChatRequestReader.Options options, Double topP,
                              List<String> stop, boolean stream, boolean includeUsage) {
}
