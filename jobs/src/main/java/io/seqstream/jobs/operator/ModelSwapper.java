package io.seqstream.jobs.operator;

import io.seqstream.jobs.config.SwapStatePolicy;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.ModelShape;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.retrain.SnapshotCheck;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.schemas.ErrorKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving model of one operator instance and the updates that replace it: checks, pending updates, the
 * active model, and its checkpoint and restore.
 *
 * <p>Every instance sees every {@link ModelUpdate}, at its own place between events. An update is checked
 * ({@link SnapshotCheck}: checksum, version above the serving one, finite weights, same input and outputs, state
 * shapes) on a background thread, because loading a model takes milliseconds to seconds and the events must not
 * wait for it; updates are checked one at a time, in arrival order. The result comes back to the task thread as a
 * mailbox mail: a stale one is counted, a rejected one reported ({@link Host#rejected}), an accepted one applied
 * <em>between</em> micro-batches: {@link Host#beforeSwap} steps and emits everything buffered and in flight with
 * the old model, then the new one serves ({@link Host#swapped}). The swap is O(1) whatever the key count: key
 * states are converted lazily, at each key's next micro-batch ({@link #prepare}).
 *
 * <p>The serving version and, when it came from a snapshot, its bytes are checkpointed ({@link ActiveModelState}),
 * so a restore resumes with the same model; so are the updates received and not yet applied (their source offsets
 * are past them), which a restored instance checks again.
 */
final class ModelSwapper {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSwapper.class);

    /** The operator's side, on the task thread. */
    interface Host {
        /** Steps and emits every buffered and in-flight event: they are the old model's. */
        void beforeSwap() throws Exception;

        /** {@code active} serves from now on: open its stepper. */
        void swapped(ModelBackend active);

        /** {@code u} was rejected for {@code reason}, a dead letter of {@code kind}. */
        void rejected(ModelUpdate u, ErrorKind kind, String reason);
    }

    private final ModelBackend model; // the model the job was built with
    private final SwapOptions swap;
    private final SnapshotCheck check;
    private final ActiveModelState restored; // null unless restored with a serving model
    private final ArrayDeque<ModelUpdate> pending = new ArrayDeque<>();

    // The serving model: changed only between micro-batches.
    private ModelBackend active;
    private long activeVersion;
    private String activeShape; // null when unknown (a backend without model-file bytes)
    private long lastShapeChangeVersion;

    private Host host;
    private StepMetrics metrics;
    private int subtask;
    private MailboxExecutor mailbox;
    private ExecutorService checker;
    private CompletableFuture<SnapshotCheck.Result> checking;
    private ModelUpdate checkingUpdate;
    private boolean draining;

    /**
     * @param restoredActive the checkpoint's serving models, one entry per subtask, all alike (empty when fresh)
     * @param restoredPending the updates some instance had received and not applied: every instance checks them again
     *                        (newer ones apply, the rest are stale); union state, so a rescaled job loses none
     */
    ModelSwapper(ModelBackend model, SwapOptions swap, Iterable<ActiveModelState> restoredActive, Iterable<ModelUpdate> restoredPending) {
        this.model = model;
        this.swap = swap;
        this.check = new SnapshotCheck(model.inputSpecs(), model.outputSize(), swap.onShapeChange(), swap.trust());
        ActiveModelState newest = null;
        for (ActiveModelState a : restoredActive) {
            if (newest == null || a.version > newest.version) {
                newest = a;
            }
        }
        this.restored = newest;
        List<byte[]> seen = new ArrayList<>();
        for (ModelUpdate u : restoredPending) {
            if (seen.stream().noneMatch(b -> Arrays.equals(b, u.value))) {
                seen.add(u.value);
                pending.addLast(u);
            }
        }
        this.active = model;
        this.activeVersion = model.version();
    }

    /** The job's model, or the one the checkpoint was serving when that is newer. Called once, before {@link #start}. */
    ModelBackend openActive(int subtask) {
        active = model;
        activeVersion = model.version();
        activeShape = model.modelFileBytes().map(b -> ModelShape.signature(ModelFile.fromBytes(b, model.description()))).orElse(null);
        if (restored != null) {
            lastShapeChangeVersion = restored.lastShapeChangeVersion;
            if (restored.version > model.version() && restored.modelBytes != null) {
                String source = "restored model v" + restored.version;
                Model m = ModelFile.fromBytes(restored.modelBytes, source);
                active = StepModelBackend.of(m, restored.modelBytes, restored.version, source);
                activeVersion = restored.version;
                activeShape = ModelShape.signature(m);
                LOG.info("subtask {}: resuming with model v{} from the checkpoint (the job was built with v{})", subtask, activeVersion,
                        model.version());
            } else if (restored.version > model.version()) {
                LOG.warn("the checkpoint served model v{} but holds no bytes for it: serving the job's v{}", restored.version,
                        model.version());
            }
        }
        return active;
    }

    /** Starts checking the pending updates, on a thread of its own. */
    void start(Host h, MailboxExecutor mb, StepMetrics m, int subtask) {
        this.host = h;
        this.mailbox = mb;
        this.metrics = m;
        this.subtask = subtask;
        this.checker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "seqstream-model-check-" + subtask);
            t.setDaemon(true);
            return t;
        });
        startNextCheck();
    }

    ModelBackend active() {
        return active;
    }

    long activeVersion() {
        return activeVersion;
    }

    /** Updates received and not yet applied or rejected. */
    int pendingCount() {
        return pending.size();
    }

    /** What the checkpoint holds: the serving model (its bytes only when it is not the job's own). */
    ActiveModelState snapshotActive() {
        byte[] bytes = active == model ? null : active.modelFileBytes().orElse(null);
        return new ActiveModelState(activeVersion, bytes, lastShapeChangeVersion);
    }

    List<ModelUpdate> snapshotPending() {
        return new ArrayList<>(pending);
    }

    /** A model update arrived: queued, checked in arrival order. */
    void offer(ModelUpdate u) {
        pending.addLast(u);
        startNextCheck();
    }

    /**
     * Readies a key's stored state for the serving model: a fresh state for a new key; a state of an older version
     * follows {@code swap.state-policy} ({@code keep} it when no swap since changed the shapes, else reset; {@code reset}
     * to zeros; {@code rewarm}: zeros, then the key's recent events are replayed before its next one); a state of
     * another size starts afresh. The step count goes on across swaps: it counts the key's events, not the model's.
     */
    KeyState prepare(MicroBatch.Slot s, KeyState stored) {
        int stateSize = active.stateSize();
        KeyState ks = stored;
        if (ks == null) {
            ks = KeyState.fresh(stateSize);
            s.isNew = true;
        } else if (ks.modelVersion != activeVersion && ks.modelVersion != 0) {
            convert(s, ks);
        } else if (ks.state.length != stateSize) {
            // State written by a model of another architecture: this model cannot continue it.
            LOG.warn("key '{}' has a state of {} floats, model v{} needs {}: starting the key afresh", s.key, ks.state.length,
                    activeVersion, stateSize);
            ks.state = new float[stateSize];
            ks.step = 0;
        }
        ks.modelVersion = activeVersion;
        return ks;
    }

    private void convert(MicroBatch.Slot s, KeyState ks) {
        boolean shapesKept = ks.state.length == active.stateSize() && ks.modelVersion >= lastShapeChangeVersion;
        SwapStatePolicy p = swap.statePolicy();
        if (p == SwapStatePolicy.KEEP && shapesKept) {
            return;
        }
        if (ks.state.length == active.stateSize()) {
            Arrays.fill(ks.state, 0f);
        } else {
            ks.state = new float[active.stateSize()];
        }
        s.rewarm = p == SwapStatePolicy.REWARM && ks.recent != null && ks.recent.count > 0 && !s.firstIsReset;
        metrics.keysConverted.inc();
    }

    /** Checks and applies every queued update now, on the task thread (end of input: nothing is left behind). */
    void drain() throws Exception {
        draining = true;
        try {
            while (checking != null || !pending.isEmpty()) {
                if (checking == null) {
                    ModelUpdate u = pending.peekFirst();
                    checkingUpdate = u;
                    checking = CompletableFuture.completedFuture(safeCheck(u, activeVersion, activeShape, active.stateSize()));
                }
                completeCheck(checkingUpdate);
            }
        } finally {
            draining = false;
        }
    }

    void close() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }

    private void startNextCheck() {
        if (checking != null || pending.isEmpty() || draining || checker == null) {
            return;
        }
        ModelUpdate u = pending.peekFirst();
        long version = activeVersion;
        String shape = activeShape;
        int stateSize = active.stateSize();
        checkingUpdate = u;
        checking = CompletableFuture.supplyAsync(() -> safeCheck(u, version, shape, stateSize), checker);
        checking.thenRun(() -> {
            try {
                mailbox.execute(() -> completeCheck(u), "apply model update from %s", u.origin());
            } catch (RejectedExecutionException e) {
                // the task is closing: finish() applies it, or the checkpoint still holds it
            }
        });
    }

    private SnapshotCheck.Result safeCheck(ModelUpdate u, long version, String shape, int stateSize) {
        try {
            return check.check(u, version, shape, stateSize);
        } catch (RuntimeException | LinkageError e) {
            return new SnapshotCheck.Result.Rejected("model snapshot from " + u.origin() + ": unexpected " + e);
        }
    }

    /** On the task thread: the check of {@code u} is done; reject it or swap, then check the next update. */
    private void completeCheck(ModelUpdate u) throws Exception {
        if (checkingUpdate != u) {
            return; // drain() already took care of it
        }
        SnapshotCheck.Result r = checking.join();
        checking = null;
        checkingUpdate = null;
        pending.pollFirst();
        if (r instanceof SnapshotCheck.Result.Stale stale) {
            metrics.modelsStale.inc();
            LOG.info("{}", stale.message());
        } else if (r instanceof SnapshotCheck.Result.Rejected rej) {
            metrics.modelsRejected.inc();
            host.rejected(u, rej.kind(), rej.message());
        } else {
            host.beforeSwap();
            apply((SnapshotCheck.Result.Accepted) r, u);
        }
        startNextCheck();
    }

    private void apply(SnapshotCheck.Result.Accepted a, ModelUpdate u) {
        long t0 = System.nanoTime();
        long old = activeVersion;
        active = a.backend();
        activeVersion = a.backend().version();
        activeShape = a.shape();
        if (a.shapeChanged()) {
            lastShapeChangeVersion = activeVersion;
        }
        host.swapped(active);
        long micros = (System.nanoTime() - t0) / 1000;
        metrics.swapped(micros);
        LOG.info("subtask {}: model v{} -> v{} (from {}{}); key states: {}", subtask, old, activeVersion, u.origin(),
                a.shapeChanged() ? ", other state shapes" : "",
                a.shapeChanged() && swap.statePolicy() == SwapStatePolicy.KEEP
                        ? "reset (shapes changed)"
                        : swap.statePolicy().configName());
    }
}
