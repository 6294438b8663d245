package dev.claudesse.store;

import java.time.Instant;

/** The usage figures a store can sum up for operators (api/usage). */
public interface UsageArchive {

    /**
     * The last {@code days} days up to and including the day of {@code now} (UTC), with the
     * {@code topOwners} owners and {@code topConversations} conversations that cost the most.
     *
     * @throws StoreException when the database cannot be read
     */
    UsageReport usage(Instant now, int days, int topOwners, int topConversations);
}
