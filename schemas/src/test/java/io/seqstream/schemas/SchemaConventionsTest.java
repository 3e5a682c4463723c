package io.seqstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.Schema.Field;
import org.junit.jupiter.api.Test;

/** House rules for the schemas: documented, one namespace, times as plain longs. */
class SchemaConventionsTest {

    private static final List<Schema> SCHEMAS = List.of(Event.getClassSchema(), TopClass.getClassSchema(),
            Prediction.getClassSchema(), ModelSnapshot.getClassSchema(), ErrorKind.getClassSchema(),
            DeadLetter.getClassSchema());

    @Test
    void everySchemaAndFieldHasADoc() {
        for (Schema schema : SCHEMAS) {
            assertThat(schema.getDoc()).as(schema.getName()).isNotBlank();
            if (schema.getType() == Schema.Type.RECORD) {
                for (Field field : schema.getFields()) {
                    assertThat(field.doc()).as(schema.getName() + "." + field.name()).isNotBlank();
                }
            }
        }
    }

    @Test
    void everySchemaIsInTheProjectNamespace() {
        assertThat(SCHEMAS).allSatisfy(s -> assertThat(s.getNamespace()).isEqualTo("io.seqstream.schemas"));
    }

    @Test
    void timesArePlainLongsWithoutLogicalType() {
        // A timestamp logical type would turn them into java.time.Instant in the generated classes.
        for (Schema schema : SCHEMAS) {
            if (schema.getType() == Schema.Type.RECORD) {
                for (Field field : schema.getFields()) {
                    if (field.schema().getType() == Schema.Type.LONG) {
                        assertThat(field.schema().getLogicalType()).as(schema.getName() + "." + field.name()).isNull();
                    }
                }
            }
        }
    }

    @Test
    void errorKindDefaultsToOther() {
        assertThat(ErrorKind.getClassSchema().getEnumDefault()).isEqualTo("OTHER");
    }
}
