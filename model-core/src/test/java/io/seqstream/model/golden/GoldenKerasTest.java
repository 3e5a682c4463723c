package io.seqstream.model.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.config.ConfigException;
import io.seqstream.model.train.Loss;
import io.seqstream.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every golden file of the folder {@code -Dgolden.dir} (default ../shared/golden/keras): builds the
 * model from the file, runs its calls in order on one instance and compares every output and state;
 * training files train from the initial weights and compare losses and weights step by step.
 */
class GoldenKerasTest {
    static Path goldenDir() {
        String dir = System.getProperty("golden.dir");
        return dir != null ? Paths.get(dir).toAbsolutePath().normalize() : SharedData.require("golden", "keras");
    }

    @TestFactory
    Stream<DynamicTest> goldenFiles() throws IOException {
        Path dir = goldenDir();
        assertThat(dir).as("golden dir (-Dgolden.dir)").isDirectory();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).as("golden files in " + dir).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), f.toUri(), () -> run(new GoldenCase(f))));
    }

    static void run(GoldenCase c) {
        Model model = c.buildModel();
        Tolerance tol = Tolerance.of(c.root.get("tolerance"), new Tolerance(1e-5, 1e-4));
        JsonNode calls = c.field(c.root, "calls", "top level");
        int k = 0;
        for (JsonNode call : calls) {
            String where = c.source + " call " + k++;
            if (call.path("reset_states_before").asBoolean(false))
                model.resetStates();
            List<Tensor> outs = model.predict(c.inputs(c.field(call, "inputs", where)));
            JsonNode expected = c.field(call, "expected", where);
            assertThat(outs).as(where + " outputs").hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                JsonNode e = expected.get(i);
                tol.check(where + " output '" + e.path("name").asText() + "'", c.tensor(e, where), outs.get(i));
            }
            for (JsonNode s : call.path("states_after")) {
                String name = s.path("name").asText();
                tol.check(where + " state '" + name + "'", c.tensor(s, where), GoldenCase.state(model, name, c.source));
            }
        }
        JsonNode training = c.root.has("training_keras_adam") ? c.root.get("training_keras_adam") : c.root.get("training");
        if (training != null)
            train(c, training);
    }

    static void train(GoldenCase c, JsonNode t) {
        String where = c.source + " training";
        Model model = c.buildModel();
        model.compile(Loss.of(c.field(t, "loss", where).asText()), GoldenCase.optimizer(c.field(t, "optimizer", where), c.source));
        Tolerance tol = Tolerance.of(t.get("tolerance"), new Tolerance(1e-4, 1e-3));
        List<Tensor> xs = c.inputs(c.field(t, "x", where));
        JsonNode ys = c.field(t, "y", where);
        List<Tensor> targets = new java.util.ArrayList<>();
        for (JsonNode y : ys)
            targets.add(c.tensor(y, where + " y"));
        JsonNode steps = c.field(t, "steps", where);
        assertThat(steps.size()).as(where + " steps").isPositive();
        for (JsonNode step : steps) {
            String sw = where + " step " + step.path("step").asText();
            double loss = model.trainOnBatch(xs, targets);
            tol.check(sw + " loss", c.field(step, "loss", sw).asDouble(), loss);
            if (step.has("loss_after_update")) {
                double after = model.evaluate(xs, targets).get("loss");
                tol.check(sw + " loss_after_update", step.get("loss_after_update").asDouble(), after);
            }
            JsonNode wa = step.get("weights_after");
            if (wa != null) {
                Model expected = c.buildModel();
                c.setWeights(expected, wa);
                List<Tensor> ew = expected.getWeights(), aw = model.getWeights();
                for (int i = 0; i < ew.size(); i++)
                    tol.check(sw + " weight " + i, ew.get(i), aw.get(i));
            }
        }
    }

    // A file with an unknown layer, field or value fails with a message naming the file and the field.
    @Test
    void unknownFieldIsNamed(@TempDir Path tmp) throws IOException {
        Path src = goldenDir().resolve("lstm_last.json");
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(src.toFile());
        ((ObjectNode) root.get("model").get("layers").get(1).get("config")).put("peephole", true);
        Path bad = tmp.resolve("bad_field.json");
        new ObjectMapper().writeValue(bad.toFile(), root);
        assertThatThrownBy(() -> run(new GoldenCase(bad))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad_field.json").hasMessageContaining("peephole");
    }

    @Test
    void unknownLayerAndValueAreNamed(@TempDir Path tmp) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = (ObjectNode) om.readTree(goldenDir().resolve("lstm_last.json").toFile());
        ((ObjectNode) root.get("model").get("layers").get(1)).put("class_name", "Conv1D");
        Path bad = tmp.resolve("bad_layer.json");
        om.writeValue(bad.toFile(), root);
        assertThatThrownBy(() -> run(new GoldenCase(bad))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad_layer.json").hasMessageContaining("Conv1D");

        ObjectNode root2 = (ObjectNode) om.readTree(goldenDir().resolve("lstm_last.json").toFile());
        ((ObjectNode) root2.get("model").get("layers").get(1).get("config")).put("activation", "swishy");
        Path bad2 = tmp.resolve("bad_value.json");
        om.writeValue(bad2.toFile(), root2);
        assertThatThrownBy(() -> run(new GoldenCase(bad2))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad_value.json").hasMessageContaining("activation").hasMessageContaining("swishy");
    }

    // The comparison itself must be able to fail: a perturbed expected value is caught.
    @Test
    void perturbedExpectationFails(@TempDir Path tmp) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = (ObjectNode) om.readTree(goldenDir().resolve("lstm_last.json").toFile());
        var data = (com.fasterxml.jackson.databind.node.ArrayNode) root.get("calls").get(0).get("expected").get(0).get("data");
        data.set(0, om.getNodeFactory().numberNode(data.get(0).floatValue() + 1e-3f));
        Path bad = tmp.resolve("perturbed.json");
        om.writeValue(bad.toFile(), root);
        assertThatThrownBy(() -> run(new GoldenCase(bad))).isInstanceOf(AssertionError.class).hasMessageContaining("element 0");
    }
}
