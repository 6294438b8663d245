package dev.claudesse.models;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which models requests may name, decided from the table and the settings on each (UTC) day: by
 * default the active and legacy models; a deprecated model only when named in the settings; a retired
 * model never, whatever the settings say.
 */
public final class ModelPolicy {

    /** Why a model was refused; the message is for the person who sent the request. */
    public record Refusal(String type, String message) {
    }

    private final ModelTable table;
    private final String defaultModel;
    private final Set<String> configured;
    private final boolean explicitDefault;
    private final Clock clock;

    /**
     * @param configuredDefault CLAUDE_SSE_DEFAULT_MODEL, or null for the table's default
     * @param allowList         CLAUDE_SSE_ALLOWED_MODELS, empty for the table's choice
     */
    public ModelPolicy(ModelTable table, String configuredDefault, Set<String> allowList, Clock clock) {
        this.table = table;
        this.explicitDefault = configuredDefault != null;
        this.defaultModel = explicitDefault ? configuredDefault : table.defaultModel();
        this.configured = Set.copyOf(allowList);
        this.clock = clock;
    }

    public ModelTable table() {
        return table;
    }

    public String defaultModel() {
        return defaultModel;
    }

    public LocalDate today() {
        return LocalDate.now(clock);
    }

    /** Null when a request may use the model today, else why not. */
    public Refusal refusal(String model) {
        LocalDate today = today();
        ModelSpec spec = table.find(model);
        if (spec != null && spec.lifecycle().on(today) == Lifecycle.Stage.RETIRED) {
            String replacement = spec.lifecycle().replacement();
            return new Refusal("model_retired", "The model \"" + model + "\" was retired"
                    + (spec.lifecycle().retiresOn() == null ? "" : " on " + spec.lifecycle().retiresOn())
                    + " and Claude no longer answers it" + (replacement == null ? "." : "; use \"" + replacement + "\"."));
        }
        if (!allows(model, spec, today)) {
            return new Refusal("model_not_allowed", "The model \"" + model + "\" is not allowed on this server.");
        }
        return null;
    }

    private boolean allows(String model, ModelSpec spec, LocalDate today) {
        if (model.equals(defaultModel)) {
            return true;
        }
        if (!configured.isEmpty()) {
            return configured.contains(model) || (spec != null && configured.contains(spec.id()));
        }
        if (spec == null) {
            return false;
        }
        Lifecycle.Stage stage = spec.lifecycle().on(today);
        return stage == Lifecycle.Stage.ACTIVE || stage == Lifecycle.Stage.LEGACY;
    }

    /**
     * The models requests may name today, the default first, each once by its table id: what GET
     * api/models lists. A configured model the table does not know is listed by its own name.
     */
    public List<String> allowedToday() {
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(defaultModel);
        if (configured.isEmpty()) {
            table.all().forEach(m -> candidates.add(m.id()));
        } else {
            candidates.addAll(configured);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String id : candidates) {
            if (refusal(id) == null) {
                ModelSpec spec = table.find(id);
                out.add(spec == null ? id : spec.id());
            }
        }
        return List.copyOf(out);
    }

    /**
     * Refuses to run with a retired default model: Claude would refuse every request that names none.
     *
     * @throws IllegalStateException naming the replacement
     */
    public void requireUsableDefault() {
        ModelSpec def = table.find(defaultModel);
        if (def != null && def.lifecycle().on(today()) == Lifecycle.Stage.RETIRED) {
            String replacement = def.lifecycle().replacement();
            throw new IllegalStateException("the default model " + defaultModel + " is retired"
                    + (def.lifecycle().retiresOn() == null ? "" : " since " + def.lifecycle().retiresOn())
                    + ": Claude refuses every request for it. Set CLAUDE_SSE_DEFAULT_MODEL to "
                    + (replacement != null ? replacement : table.defaultModel())
                    + (explicitDefault ? "" : " or update the model table") + ".");
        }
    }

    /**
     * What the operator should hear about the configured models today (logged at startup and daily): a
     * deprecated model with its retirement date, a retired one in the allow-list, a default the table does
     * not know.
     */
    public List<String> warnings() {
        LocalDate today = today();
        List<String> out = new ArrayList<>();
        if (table.find(defaultModel) == null) {
            out.add("the default model " + defaultModel + " is not in the model table: its answers have no cost"
                    + " and its request rules are not checked");
        }
        Set<String> named = new LinkedHashSet<>(configured);
        named.add(defaultModel);
        for (String id : named) {
            ModelSpec spec = table.find(id);
            if (spec == null) {
                continue;
            }
            Lifecycle lifecycle = spec.lifecycle();
            String move = lifecycle.replacement() == null ? "" : "; move to " + lifecycle.replacement();
            switch (lifecycle.on(today)) {
                case DEPRECATED -> out.add("model " + id + " is deprecated"
                        + (lifecycle.retiresOn() == null ? "" : " and retires on " + lifecycle.retiresOn()) + move);
                case RETIRED -> out.add("model " + id + " is retired"
                        + (lifecycle.retiresOn() == null ? "" : " since " + lifecycle.retiresOn())
                        + " and requests for it are refused" + move);
                default -> {
                }
            }
        }
        return out;
    }
}
