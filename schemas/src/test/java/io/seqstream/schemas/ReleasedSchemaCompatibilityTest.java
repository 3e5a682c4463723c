package io.seqstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.Schema.Field;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The build fails if a schema change breaks compatibility with a released version. */
class ReleasedSchemaCompatibilityTest {

    @Test
    void version1IsReleasedWithEverySchema() {
        List<Path> versions = CompatibilityGate.releasedVersions();

        assertThat(versions).isNotEmpty();
        assertThat(versions.get(0).getFileName()).hasToString("v1");
        assertThat(CompatibilityGate.load(versions.get(0))).containsOnlyKeys(
                "io.seqstream.schemas.Event", "io.seqstream.schemas.TopClass", "io.seqstream.schemas.Prediction",
                "io.seqstream.schemas.ModelSnapshot", "io.seqstream.schemas.ErrorKind", "io.seqstream.schemas.DeadLetter");
    }

    @TestFactory
    List<DynamicTest> currentSchemasAreCompatibleBothWaysWithEveryRelease() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path version : CompatibilityGate.releasedVersions()) {
            for (Map.Entry<String, Schema> released : CompatibilityGate.load(version).entrySet()) {
                tests.add(DynamicTest.dynamicTest(version.getFileName() + " " + released.getKey(), () -> {
                    Schema current = CompatibilityGate.current(released.getKey());
                    assertThat(current).as("released schema %s still exists", released.getKey()).isNotNull();
                    assertThat(CompatibilityGate.problems(released.getValue(), current)).isEmpty();
                }));
            }
        }
        return tests;
    }

    // The gate must be able to fail: the same check on edits that break old or new readers.

    @Test
    void removingAFieldWithoutDefaultIsDetected() {
        Schema edited = editEvent(fields -> {
            fields.removeIf(f -> f.name().equals("key"));
            return fields;
        });

        assertThat(CompatibilityGate.problems(releasedEvent(), edited))
                .singleElement(InstanceOfAssertFactories.STRING).contains("released reader, current writer", "key");
    }

    @Test
    void changingAFieldTypeIsDetected() {
        Schema edited = editEvent(fields -> {
            fields.replaceAll(f -> f.name().equals("eventTime")
                    ? new Field("eventTime", Schema.create(Schema.Type.STRING), f.doc())
                    : f);
            return fields;
        });

        assertThat(CompatibilityGate.problems(releasedEvent(), edited))
                .hasSize(2).allSatisfy(problem -> assertThat(problem).contains("TYPE_MISMATCH", "/fields/1/type"));
    }

    @Test
    void addingAFieldWithoutDefaultIsDetected() {
        Schema edited = editEvent(fields -> {
            fields.add(new Field("sessionId", Schema.create(Schema.Type.STRING), "new, required"));
            return fields;
        });

        assertThat(CompatibilityGate.problems(releasedEvent(), edited))
                .singleElement(InstanceOfAssertFactories.STRING)
                .contains("current reader, released writer", "READER_FIELD_MISSING_DEFAULT_VALUE");
    }

    @Test
    void addingAnOptionalFieldWithDefaultPasses() {
        Schema edited = editEvent(fields -> {
            fields.add(new Field("sessionId", Schema.createUnion(Schema.create(Schema.Type.NULL),
                    Schema.create(Schema.Type.STRING)), "new, optional", JsonProperties.NULL_VALUE));
            return fields;
        });

        assertThat(CompatibilityGate.problems(releasedEvent(), edited)).isEmpty();
    }

    private static Schema releasedEvent() {
        return CompatibilityGate.load(CompatibilityGate.releasedVersions().get(0)).get("io.seqstream.schemas.Event");
    }

    /** A copy of the current Event schema with its field list edited. */
    private static Schema editEvent(UnaryOperator<List<Field>> edit) {
        Schema current = Event.getClassSchema();
        List<Field> fields = new ArrayList<>();
        for (Field field : current.getFields()) {
            fields.add(new Field(field, field.schema())); // a field belongs to one record: copy it
        }
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false,
                edit.apply(fields));
    }
}
