package io.seqstream.jobs.decode;

import java.io.Serializable;
import org.apache.avro.Schema;

/** Writer schemas by registry id ({@link RegistryClient} over HTTP; a map in tests). */
public interface SchemaSource extends Serializable {
    /**
     * The schema registered under {@code id}.
     *
     * @throws DecodeException with {@code UNKNOWN_SCHEMA} when the registry has no such id or it is not an Avro schema
     * @throws RegistryUnavailableException when the registry cannot be asked (the job fails over and retries)
     */
    Schema schema(int id) throws DecodeException;
}
