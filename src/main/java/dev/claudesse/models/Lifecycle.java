package dev.claudesse.models;

import java.time.LocalDate;

/**
 * Where a model stands in Claude's line-up. The table gives dates, not only a stage, so a model
 * becomes deprecated or retired on its day without a new release of the app.
 */
public record Lifecycle(Stage declared, LocalDate deprecatedOn, LocalDate retiresOn, String replacement) {

    public enum Stage {
        ACTIVE, LEGACY, DEPRECATED, RETIRED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The stage on a given (UTC) day: retired from its retirement date on, deprecated from its deprecation date. */
    public Stage on(LocalDate day) {
        if (declared == Stage.RETIRED || (retiresOn != null && !day.isBefore(retiresOn))) {
            return Stage.RETIRED;
        }
        if (declared == Stage.DEPRECATED || (deprecatedOn != null && !day.isBefore(deprecatedOn))) {
            return Stage.DEPRECATED;
        }
        return declared;
    }
}
