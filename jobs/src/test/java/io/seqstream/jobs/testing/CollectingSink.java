package io.seqstream.jobs.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * An in-memory sink for jobs on a MiniCluster in this JVM: every parallel writer appends to one shared queue,
 * found by the sink's id (the sink object itself is serialized into the job graph).
 */
public final class CollectingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, ConcurrentLinkedQueue<Object>> QUEUES = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    public CollectingSink() {
        QUEUES.put(id, new ConcurrentLinkedQueue<>());
    }

    /** Everything written so far, in arrival order (per writer). */
    @SuppressWarnings("unchecked")
    public List<T> values() {
        List<T> out = new ArrayList<>();
        for (Object o : QUEUES.get(id)) {
            out.add((T) o);
        }
        return out;
    }

    public void clear() {
        QUEUES.remove(id);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        ConcurrentLinkedQueue<Object> queue = QUEUES.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }
}
