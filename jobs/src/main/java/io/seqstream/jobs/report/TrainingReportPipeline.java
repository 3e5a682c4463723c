package io.seqstream.jobs.report;

import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.retrain.RetrainOperator;
import io.seqstream.jobs.retrain.RetrainOptions;
import io.seqstream.schemas.ModelSnapshot;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The training report beside the retraining branch:
 * <pre>
 * RetrainOperator's rounds (side output) + the prediction operators' online-accuracy tallies (side output)
 *        -> TrainingReportOperator (parallelism 1: the report page, the onlineAccuracy gauge)
 * </pre>
 * An operator of its own because it needs the prediction operators' tallies, and the trainer cannot take them: the
 * prediction operators already take the trainer's snapshots (a cycle in the job graph).
 */
public final class TrainingReportPipeline {
    public static final String REPORT_UID = "retrain-report";

    private TrainingReportPipeline() {
    }

    /** Adds the report operator over the rounds of {@code trainer} (what {@code RetrainPipeline.attach} returned) and {@code tallies}. */
    public static void attach(SingleOutputStreamOperator<ModelSnapshot> trainer, DataStream<AccuracyTally> tallies, JobConfig config) {
        RetrainOptions options = RetrainOptions.fromConfig(config);
        trainer.getSideOutput(RetrainOperator.ROUNDS).connect(tallies)
                .transform("training report", Types.VOID, new TrainingReportOperator(options.reportPath(), options.slideMs()))
                .uid(REPORT_UID).setParallelism(1).setMaxParallelism(1);
    }
}
