package io.seqstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.operator.ActiveModelState;
import io.seqstream.jobs.operator.KeyState;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.retrain.RecentEvent;
import io.seqstream.jobs.retrain.TrainerState;
import io.seqstream.jobs.retrain.TrainingSequence;
import io.seqstream.jobs.retrain.TrainingWindow;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;

/** The records of the data path and the keyed state use Flink's POJO and Avro serializers, never the Kryo fallback. */
class FlinkTypesTest {
    @Test
    void dataPathTypesArePojosWithAvroFields() {
        assertThat(TypeInformation.of(ModelInput.class)).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<ModelInput> input = (PojoTypeInfo<ModelInput>) TypeInformation.of(ModelInput.class);
        assertThat(input.getTypeAt(input.getFieldIndex("tokens"))).as("multi-input token ids").isInstanceOf(PrimitiveArrayTypeInfo.class);
        assertThat(input.getTypeAt(input.getFieldIndex("features"))).isInstanceOf(PrimitiveArrayTypeInfo.class);
        assertThat(TypeInformation.of(KeyState.class)).isInstanceOf(PojoTypeInfo.class);
        TypeInformation<Ingested> ingested = TypeInformation.of(Ingested.class);
        assertThat(ingested).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<Ingested> pojo = (PojoTypeInfo<Ingested>) ingested;
        assertThat(pojo.getTypeAt(pojo.getFieldIndex("deadLetter"))).isInstanceOf(AvroTypeInfo.class);
        assertThat(pojo.getTypeAt(pojo.getFieldIndex("input"))).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void modelStreamAndRetrainingTypesArePojos() {
        for (Class<?> c : new Class<?>[]{ ModelUpdate.class, ActiveModelState.class, RecentEvent.class, TrainingSequence.class,
                TrainingWindow.class, TrainerState.class }) {
            assertThat(TypeInformation.of(c)).as(c.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
        }
        PojoTypeInfo<TrainingWindow> window = (PojoTypeInfo<TrainingWindow>) TypeInformation.of(TrainingWindow.class);
        assertThat(window.getTypeAt(window.getFieldIndex("features")).isBasicType()).isFalse();
        assertThat(window.getTypeAt(window.getFieldIndex("features")).toString()).as("multi-input numbers").doesNotContain("GenericType");
        PojoTypeInfo<RecentEvent> recent = (PojoTypeInfo<RecentEvent>) TypeInformation.of(RecentEvent.class);
        assertThat(recent.getTypeAt(recent.getFieldIndex("features"))).isInstanceOf(PrimitiveArrayTypeInfo.class);
        assertThat(recent.getTypeAt(recent.getFieldIndex("tokens"))).isInstanceOf(PrimitiveArrayTypeInfo.class);
        PojoTypeInfo<TrainerState> trainer = (PojoTypeInfo<TrainerState>) TypeInformation.of(TrainerState.class);
        assertThat(trainer.getTypeAt(trainer.getFieldIndex("backlog")).toString()).contains("TrainingWindow");
    }
}
