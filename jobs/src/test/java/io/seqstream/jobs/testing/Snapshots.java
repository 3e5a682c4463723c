package io.seqstream.jobs.testing;

import io.seqstream.jobs.retrain.ModelSnapshots;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.schemas.ModelSnapshot;
import java.util.Map;

/** Model snapshots and model-stream records for tests. */
public final class Snapshots {
    private Snapshots() {
    }

    public static ModelSnapshot snapshot(Model model, long version) {
        return ModelSnapshots.of(ModelFile.toBytes(model), version, null, 0, 1, Map.of("after_accuracy", 0.5), "test v" + version);
    }

    public static ModelUpdate update(Model model, long version) {
        return ModelUpdate.of(snapshot(model, version), "test-models");
    }

    public static ModelUpdate update(ModelSnapshot s) {
        return ModelUpdate.of(s, "test-models");
    }
}
