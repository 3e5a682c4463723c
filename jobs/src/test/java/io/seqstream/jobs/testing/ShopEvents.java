package io.seqstream.jobs.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Users' own events as a shop writes them: a key field, a time field, a string category, numeric fields, attributes. */
public final class ShopEvents {
    public static final List<String> TYPES = List.of("view", "add_to_cart", "remove", "checkout", "session_start");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "ShopEvent", "namespace": "com.example", "fields": [
              {"name": "user_id", "type": "string"},
              {"name": "ts", "type": "long"},
              {"name": "event_type", "type": "string"},
              {"name": "amount", "type": "double"},
              {"name": "seconds_since_last", "type": "float"},
              {"name": "event_id", "type": "string"},
              {"name": "country", "type": "string"},
              {"name": "vector", "type": {"type": "array", "items": "float"}},
              {"name": "next_type_id", "type": ["null", "int"], "default": null}]}""");

    private ShopEvents() {
    }

    /** One event as field values, in schema order. */
    public record Shop(String user, long ts, String type, double amount, float secondsSinceLast, String eventId, String country,
            List<Float> vector, Integer next) {
        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("user_id", user);
            m.put("ts", ts);
            m.put("event_type", type);
            m.put("amount", amount);
            m.put("seconds_since_last", secondsSinceLast);
            m.put("event_id", eventId);
            m.put("country", country);
            m.put("vector", vector);
            m.put("next_type_id", next);
            return m;
        }
    }

    public static GenericRecord avro(Shop s) {
        GenericRecord r = new GenericData.Record(SCHEMA);
        s.fields().forEach(r::put);
        return r;
    }

    public static byte[] avroBytes(Schema schema, GenericRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema).write(r, e);
            e.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** Confluent wire format: magic 0, the id big-endian, the body. */
    public static byte[] framed(int id, byte[] body) {
        byte[] out = new byte[5 + body.length];
        out[1] = (byte) (id >>> 24);
        out[2] = (byte) (id >>> 16);
        out[3] = (byte) (id >>> 8);
        out[4] = (byte) id;
        System.arraycopy(body, 0, out, 5, body.length);
        return out;
    }

    public static byte[] json(Shop s) {
        try {
            return JSON.writeValueAsBytes(s.fields());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
