package dev.claudesse.models;

import dev.claudesse.claude.ModelsEndpoint.ListedModel;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares Claude's own list of models with the table, so an operator hears that the table is out of
 * date before a model is refused: a different lifecycle stage or retirement date, or a model Claude
 * offers that the table does not know.
 */
public final class LineupCheck {

    private LineupCheck() {
    }

    /** One sentence per difference, for the log; empty when the two agree. */
    public static List<String> differences(ModelTable table, List<ListedModel> listed, LocalDate today) {
        List<String> out = new ArrayList<>();
        for (ListedModel model : listed) {
            ModelSpec spec = table.find(model.id());
            if (spec == null) {
                out.add("Claude offers " + model.id() + (model.displayName() == null ? "" : " (" + model.displayName() + ")")
                        + ", which the model table does not know: it has no price and no request rules until the table"
                        + " lists it");
                continue;
            }
            Lifecycle.Stage ours = spec.lifecycle().on(today);
            String theirs = model.lifecycle();
            if (theirs != null && !sameStage(ours, theirs)) {
                out.add("Claude lists " + model.id() + " as " + theirs + ", the model table as " + ours.wireName());
            }
            if (model.retiresOn() != null && !model.retiresOn().equals(spec.lifecycle().retiresOn())) {
                out.add("Claude says " + model.id() + " retires on " + model.retiresOn() + ", the model table "
                        + (spec.lifecycle().retiresOn() == null ? "gives no date" : "says " + spec.lifecycle().retiresOn()));
            }
        }
        return out;
    }

    /** Claude has no "legacy": a legacy model is active to it. */
    private static boolean sameStage(Lifecycle.Stage ours, String theirs) {
        return switch (ours) {
            case ACTIVE, LEGACY -> theirs.equals("active");
            case DEPRECATED -> theirs.equals("deprecated");
            case RETIRED -> theirs.equals("retired");
        };
    }
}
