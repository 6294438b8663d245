package dev.claudesse.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * A file saved with a question (an image or a PDF): its name as the user gave it, its media type and its
 * bytes. Equal when name, type and bytes are (a record would compare the array by identity).
 */
public record AttachmentData(String name, String mediaType, byte[] bytes) {

    public AttachmentData {
        Objects.requireNonNull(name);
        Objects.requireNonNull(mediaType);
        Objects.requireNonNull(bytes);
    }

    public AttachmentInfo info(int position) {
        return new AttachmentInfo(position, name, mediaType, bytes.length);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AttachmentData that && name.equals(that.name) && mediaType.equals(that.mediaType)
                && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, mediaType, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "AttachmentData[" + name + ", " + mediaType + ", " + bytes.length + " bytes]";
    }
}
