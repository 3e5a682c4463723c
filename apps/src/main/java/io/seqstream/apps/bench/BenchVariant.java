package io.seqstream.apps.bench;

import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.model.Model;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A variant of {@code ./seqstream bench} that another module puts on the classpath, found with {@link ServiceLoader}:
 * the bench module's {@code onnx} (ONNX Runtime stays out of this module and the job jar). It gets the benchmark's
 * model and returns the engine the job's operator steps.
 */
public interface BenchVariant {
    /** Variants that need a module outside apps, and the module. */
    Map<String, String> KNOWN_ELSEWHERE = Map.of("onnx", "bench (ONNX Runtime)");

    /** The name given to {@code --variants}. */
    String name();

    /** The engine for the benchmark's model. */
    ModelBackend backend(Model model);

    /** The variants on the classpath, by name. */
    static Map<String, BenchVariant> onClasspath() {
        Map<String, BenchVariant> found = new LinkedHashMap<>();
        for (BenchVariant v : ServiceLoader.load(BenchVariant.class)) {
            found.put(v.name(), v);
        }
        return found;
    }
}
