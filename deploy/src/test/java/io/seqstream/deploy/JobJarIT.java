package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.PredictionJobMain;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shaded job jar (target/seqstream-job.jar): what is in it, what is not, and that its main starts on Flink's classpath. */
class JobJarIT {
    private static List<String> entries;

    @BeforeAll
    static void readEntries() throws IOException {
        try (JarFile jar = new JarFile(TestPaths.jobJar().toFile())) {
            entries = jar.stream().map(ZipEntry::getName).toList();
        }
    }

    @Test
    void mainClassIsTheJobsEntryPoint() throws IOException {
        try (JarFile jar = new JarFile(TestPaths.jobJar().toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(PredictionJobMain.class.getName());
        }
    }

    @Test
    void sizeIsSane() throws IOException {
        // Far below Flink's REST upload limit (rest.server.max-content-length, 100 MiB by default).
        assertThat(Files.size(TestPaths.jobJar())).isLessThan(40L << 20);
    }

    @Test
    void containsTheJobAndWhatFlinkDoesNotBring() {
        assertThat(entries).contains(
                "io/seqstream/jobs/PredictionJobMain.class",
                "io/seqstream/jobs/config/JobConfig.class",
                "io/seqstream/model/stream/StepModel.class",
                "io/seqstream/model/keras/KerasImport.class",
                "io/seqstream/schemas/Event.class",
                "org/apache/flink/connector/kafka/source/KafkaSource.class",
                "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                "org/apache/flink/connector/base/DeliveryGuarantee.class",
                "org/apache/flink/formats/avro/typeutils/AvroTypeInfo.class",
                "org/apache/avro/Schema.class",
                "org/apache/kafka/clients/producer/KafkaProducer.class",
                "com/fasterxml/jackson/databind/ObjectMapper.class",
                "io/jhdf/HdfFile.class");
    }

    @Test
    void leavesOutFlinkTheBrokerLoggingAndDl4j() {
        List<String> forbidden = List.of(
                "org/apache/flink/runtime/", // flink-runtime: provided by the cluster
                "org/apache/flink/api/common/", // flink-core
                "org/apache/flink/streaming/api/environment/", // flink-streaming-java
                "org/apache/flink/client/", // flink-clients
                "org/apache/flink/state/rocksdb/", // the state backend is the cluster's
                // the broker (kafka-clients itself has org/apache/kafka/server/authorizer: the Authorizer API)
                "kafka/server/", "org/apache/kafka/metadata/", "org/apache/kafka/server/common/", "org/apache/kafka/raft/", "scala/",
                "org/slf4j/", "org/apache/logging/log4j/", // the cluster's logging
                "org/nd4j/", "org/bytedeco/", "org/deeplearning4j/", // DL4J: not on the job's path
                "io/seqstream/reference/", // the DL4J reference (dl4j-reference)
                "io/seqstream/apps/", // demo, benchmarks, model and models commands
                "io/seqstream/testkit/", // the in-process broker, test helpers
                "picocli/", // the command lines' parser
                "io/seqstream/deploy/"); // the deploy tools
        for (String prefix : forbidden) {
            assertThat(entries).as("entries under " + prefix).noneMatch(e -> e.startsWith(prefix));
        }
        assertThat(entries).as("signature files of merged jars").noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    }

    @Test
    void holdsNoToolClassUnderAnyName() {
        // Whatever the package: no demo, benchmark, command line, broker or DL4J class rides along with the job.
        List<String> classes = entries.stream().filter(e -> e.startsWith("io/seqstream/") && e.endsWith(".class")).toList();
        assertThat(classes).as("seqstream classes").isNotEmpty()
                .noneMatch(e -> e.matches(".*/(Demo|Bench|EndToEndBenchmark|RetrainBenchmark|ModelCli|ModelsCommand|EmbeddedKafka"
                        + "|KafkaBrokerMain|Dl4j|SessionGenerator)[^/]*\\.class"));
        assertThat(classes).as("only the job, the model and the records")
                .allMatch(e -> e.startsWith("io/seqstream/jobs/") || e.startsWith("io/seqstream/model/")
                        || e.startsWith("io/seqstream/schemas/"));
    }

    @Test
    void nativesAreLinuxX8664Only() {
        List<String> natives = entries.stream().filter(e -> e.matches(".*\\.(so|dll|dylib|jnilib|a)")).toList();
        assertThat(natives).isNotEmpty().allMatch(e -> e.contains("linux/amd64/") || e.contains("Linux/x86_64/"),
                "a Linux x86-64 native");
    }

    @Test
    void serviceFilesAreMerged() throws IOException {
        // flink-connector-kafka and flink-avro both register table factories: both must survive shading.
        String factories = read("META-INF/services/org.apache.flink.table.factories.Factory");
        assertThat(factories).contains("org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory")
                .contains("org.apache.flink.formats.avro.AvroFormatFactory");
    }

    @Test
    void mainRunsOnFlinksClasspathAndRejectsUnknownKeys() throws Exception {
        // Only Flink's own jars and the job jar: what a cluster gives the job. An unknown key fails, naming the key.
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", TestPaths.jobJar() + ":" + TestPaths.clusterClasspath(), PredictionJobMain.class.getName(),
                "--no-such-key", "1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out).contains("unknown config key 'no-such-key'").doesNotContain("NoClassDefFoundError");
    }

    private static String read(String entry) throws IOException {
        try (JarFile jar = new JarFile(TestPaths.jobJar().toFile()); InputStream in = jar.getInputStream(jar.getEntry(entry))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
