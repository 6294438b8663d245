package dev.claudesse.store;

/** What a conversation shows of a saved file without its bytes: its place among its message's files (0, 1, …), name, type and size. */
public record AttachmentInfo(int position, String name, String mediaType, long size) {
}
