package dev.nextgpt.runtime.llm;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.bundle.BundleManifest;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The bundle's modality signal tokens ({@code [IMG0..3]}, {@code [AUD0..7]}, {@code [VID0..23]}) and the rules
 * generation follows for them ({@link State}):
 * <ul>
 *   <li>outside a group, only the index-0 token of a group may be generated: the others are masked out of the
 *       logits (and index 0 too when the whole group would not fit in the context);</li>
 *   <li>once index 0 is generated, the rest of the group is forced in order, so a started group always
 *       completes.</li>
 * </ul>
 * Immutable and thread-safe; {@link State} is per sequence.
 */
public final class SignalTokens {
    private final Map<Modality, int[]> groups = new EnumMap<>(Modality.class);
    private final Map<Modality, String[]> names = new EnumMap<>(Modality.class);
    private final int minId;
    private final int maxId;

    /** The signal groups of a manifest ({@code signal_tokens}). */
    public static SignalTokens fromManifest(BundleManifest manifest) {
        Map<Modality, BundleManifest.SignalGroupSpec> specs = new EnumMap<>(Modality.class);
        for (Modality m : Modality.values()) {
            specs.put(m, manifest.signalGroup(m));
        }
        return new SignalTokens(specs);
    }

    SignalTokens(Map<Modality, BundleManifest.SignalGroupSpec> specs) {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (Modality m : Modality.values()) {
            BundleManifest.SignalGroupSpec spec = specs.get(m);
            if (spec == null || spec.tokens() == null || spec.tokens().isEmpty()) {
                throw new IllegalArgumentException("bundle.json: signal_tokens." + m.wireName() + " has no tokens");
            }
            int[] ids = new int[spec.count()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = spec.firstId() + i;
            }
            groups.put(m, ids);
            names.put(m, spec.tokens().toArray(new String[0]));
            lo = Math.min(lo, ids[0]);
            hi = Math.max(hi, ids[ids.length - 1]);
        }
        for (Modality a : Modality.values()) {
            for (Modality b : Modality.values()) {
                if (a.compareTo(b) < 0 && overlaps(groups.get(a), groups.get(b))) {
                    throw new IllegalArgumentException("bundle.json: signal tokens of " + a.wireName() + " and " + b.wireName() + " overlap");
                }
            }
        }
        this.minId = lo;
        this.maxId = hi;
    }

    private static boolean overlaps(int[] a, int[] b) {
        return a[0] <= b[b.length - 1] && b[0] <= a[a.length - 1];
    }

    /** The modality whose group holds {@code id}, or {@code null} for any other token. */
    public Modality modalityOf(int id) {
        if (id < minId || id > maxId) {
            return null;
        }
        for (Map.Entry<Modality, int[]> e : groups.entrySet()) {
            int[] ids = e.getValue();
            if (id >= ids[0] && id <= ids[ids.length - 1]) {
                return e.getKey();
            }
        }
        return null;
    }

    public boolean isSignal(int id) {
        return modalityOf(id) != null;
    }

    /** Index of a signal token within its group, or -1 for any other token. */
    public int indexOf(int id) {
        Modality m = modalityOf(id);
        return m == null ? -1 : id - groups.get(m)[0];
    }

    /** The group's token ids, in order. */
    public int[] group(Modality m) {
        return groups.get(m).clone();
    }

    /** Tokens in the group of a modality (4, 8, 24 for NExT-GPT). */
    public int size(Modality m) {
        return groups.get(m).length;
    }

    /** The name of a signal token, e.g. {@code [IMG2]}. */
    public String name(int id) {
        Modality m = modalityOf(id);
        if (m == null) {
            throw new IllegalArgumentException("token " + id + " is no signal token");
        }
        return names.get(m)[id - groups.get(m)[0]];
    }

    /** A fresh per-sequence state; {@code forced} are the modalities reserved room for at the end. */
    public State newState(Set<Modality> forced) {
        return new State(forced);
    }

    /** What {@link State#accept} saw: a signal token, its index, and whether its group is the modality's first. */
    public record Accepted(Modality modality, int index, boolean firstGroupOfModality, boolean completesGroup) {}

    /** The signal-token state of one sequence. Not thread-safe. */
    public final class State {
        private final Set<Modality> forced;
        private final Set<Modality> started = EnumSet.noneOf(Modality.class);
        private Modality current;
        private int next;
        private boolean currentIsFirst;

        private State(Set<Modality> forced) {
            this.forced = forced == null || forced.isEmpty() ? EnumSet.noneOf(Modality.class) : EnumSet.copyOf(forced);
        }

        /** True while a started group is not complete. */
        public boolean inGroup() {
            return current != null;
        }

        /** The token the rules force next (the group's next token), or -1 when the model chooses. */
        public int forcedNext() {
            return current == null ? -1 : groups.get(current)[next];
        }

        /** Tokens still to come in the current group (0 outside a group). */
        public int remainingInGroup() {
            return current == null ? 0 : groups.get(current).length - next;
        }

        /** Whether the model has started a group of this modality. */
        public boolean started(Modality m) {
            return started.contains(m);
        }

        /** Positions to keep free for the forced modalities whose group has not started. */
        public int reservedForForced() {
            int n = 0;
            for (Modality m : forced) {
                if (!started.contains(m)) {
                    n += groups.get(m).length;
                }
            }
            return n;
        }

        /**
         * Masks the logits outside a group: signal tokens with index &gt; 0 get -∞, and the index-0 token of a group
         * that does not fit in {@code freePositions} (positions left after the reservation for forced modalities,
         * counting the token about to be generated).
         */
        public void constrain(float[] logits, int freePositions) {
            if (current != null) {
                throw new IllegalStateException("inside a signal group the next token is forced");
            }
            for (Map.Entry<Modality, int[]> e : groups.entrySet()) {
                Modality m = e.getKey();
                int[] ids = e.getValue();
                int room = freePositions + (forced.contains(m) && !started.contains(m) ? ids.length : 0);
                if (ids.length > room) {
                    logits[ids[0]] = Float.NEGATIVE_INFINITY;
                }
                for (int i = 1; i < ids.length; i++) {
                    logits[ids[i]] = Float.NEGATIVE_INFINITY;
                }
            }
        }

        /**
         * Advances the state with the token generated; returns what it was for a signal token, {@code null} for any
         * other token. A token that breaks the rules (a group not started at index 0, a different token inside a
         * group) is an {@link IllegalStateException}.
         */
        public Accepted accept(int id) {
            Modality m = modalityOf(id);
            if (current != null) {
                int expected = groups.get(current)[next];
                if (id != expected) {
                    throw new IllegalStateException("signal group " + current.wireName() + " is incomplete: expected token "
                            + expected + ", got " + id);
                }
                int index = next++;
                boolean completes = next == groups.get(current).length;
                Accepted a = new Accepted(current, index, currentIsFirst, completes);
                if (completes) {
                    current = null;
                }
                return a;
            }
            if (m == null) {
                return null;
            }
            int index = id - groups.get(m)[0];
            if (index != 0) {
                throw new IllegalStateException("signal token " + id + " (" + name(id) + ") outside a group: a group starts at index 0");
            }
            currentIsFirst = started.add(m);
            boolean completes = groups.get(m).length == 1;
            if (!completes) {
                current = m;
                next = 1;
            }
            return new Accepted(m, 0, currentIsFirst, completes);
        }
    }
}
