package io.seqstream.model.keras;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a file is, from its first bytes (names and extensions are not trusted). */
enum KerasFileKind {
    HDF5, ZIP, JSON, OTHER;

    static KerasFileKind of(Path file) {
        if (!Files.isRegularFile(file))
            throw new KerasImportException(file + ": no such file");
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4096);
        } catch (IOException e) {
            throw new KerasImportException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
            return ZIP;
        if (Hdf5.hasSignature(head))
            return HDF5;
        for (byte b : head) {
            if (b == '{')
                return JSON;
            if (!Character.isWhitespace(b) && b != (byte) 0xEF && b != (byte) 0xBB && b != (byte) 0xBF)
                break; // skip a UTF-8 BOM
        }
        return OTHER;
    }
}
