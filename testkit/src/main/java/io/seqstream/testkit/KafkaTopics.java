package io.seqstream.testkit;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/** Topic creation on any broker, the embedded ones' or one in another process, waiting until every partition has a leader. */
public final class KafkaTopics {
    private KafkaTopics() {
    }

    /** Creates a topic with replication factor 1 and returns once each of its partitions has a leader. */
    public static void create(Admin admin, String bootstrap, String name, int partitions, Map<String, String> configs) {
        Kraft.createTopic(admin, bootstrap, name, partitions, configs);
    }
}
