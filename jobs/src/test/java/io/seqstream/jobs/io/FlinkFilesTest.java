package io.seqstream.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.ModelLoadException;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.model.Sequential;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model and report files through Flink's FileSystem API, on the local file system (file:// URIs and plain paths). */
class FlinkFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesReadsAndReplacesThroughFileUris() throws Exception {
        String uri = dir.resolve("a/b/report.html").toUri().toString();
        assertThat(uri).startsWith("file:/");
        FlinkFiles.write(uri, "one".getBytes(StandardCharsets.UTF_8));
        FlinkFiles.write(uri, "two".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(dir.resolve("a/b/report.html"))).isEqualTo("two");
        assertThat(new String(FlinkFiles.read(uri), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(new String(FlinkFiles.read(dir.resolve("a/b/report.html").toString()), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(dir.resolve("a/b/report.html.tmp")).doesNotExist();
        assertThatThrownBy(() -> FlinkFiles.read(dir.resolve("missing.zip").toUri().toString())).isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("missing.zip");
        assertThatThrownBy(() -> FlinkFiles.read(dir.toUri().toString())).hasMessageContaining("is a directory");
    }

    @Test
    void theModelLoadsFromAFileUriAndAPath() {
        Sequential m = new Sequential("fs-model");
        m.add(Embedding.builder(10, 4).seed(1).build());
        m.add(LSTM.builder(6).returnSequences(true).seed(2).build());
        m.add(Dense.builder(10).activation("softmax").seed(3).build());
        m.build(-1);
        Path file = dir.resolve("model.zip");
        ModelFile.save(m, file);
        for (String location : new String[]{ file.toUri().toString(), file.toString() }) {
            StepModelBackend b = StepModelBackend.fromConfig(JobConfig.defaults().with(ConfigKeys.MODEL_PATH.name(), location));
            assertThat(b.outputSize()).as(location).isEqualTo(10);
        }
        String missing = dir.resolve("nope.zip").toUri().toString();
        assertThatThrownBy(() -> StepModelBackend.fromConfig(JobConfig.defaults().with(ConfigKeys.MODEL_PATH.name(), missing)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("nope.zip").hasMessageContaining("does not exist");
    }

    @Test
    void locationsAreValidatedWhenConfigured() {
        assertThat(JobConfig.defaults().with("model.path", "s3://bucket/models/m.zip").get(ConfigKeys.MODEL_PATH))
                .isEqualTo("s3://bucket/models/m.zip");
        assertThatThrownBy(() -> JobConfig.defaults().with("retrain.report", "s3://bucket/a report.html"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retrain.report");
    }
}
