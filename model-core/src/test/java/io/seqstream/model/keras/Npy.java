package io.seqstream.model.keras;

import io.seqstream.model.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads numpy {@code .npy} files (v1-v3, C order, little-endian f4/f8/i4/i8) as float tensors. */
public final class Npy {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<|])([fi])(\\d)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static Tensor read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.get() != (byte) 0x93 || b.get() != 'N') throw new IOException(file + ": not an .npy file");
        b.position(6);
        int major = b.get();
        b.get();
        int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
        byte[] h = new byte[headerLen];
        b.get(h);
        String header = new String(h, StandardCharsets.ISO_8859_1);
        if (header.contains("'fortran_order': True")) throw new IOException(file + ": Fortran order is not supported");
        Matcher d = DESCR.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) throw new IOException(file + ": unreadable header " + header);
        String[] dims = s.group(1).split(",");
        int rank = 0;
        for (String dim : dims) if (!dim.isBlank()) rank++;
        int[] shape = new int[rank];
        int k = 0;
        for (String dim : dims) if (!dim.isBlank()) shape[k++] = Integer.parseInt(dim.strip());
        int n = Math.toIntExact(Tensor.size(shape));
        float[] v = new float[n];
        char kind = d.group(2).charAt(0);
        int size = Integer.parseInt(d.group(3));
        for (int i = 0; i < n; i++) {
            v[i] = switch (kind + "" + size) {
                case "f4" -> b.getFloat();
                case "f8" -> (float) b.getDouble();
                case "i4" -> b.getInt();
                case "i8" -> b.getLong();
                default -> throw new IOException(file + ": dtype " + d.group(0) + " is not supported");
            };
        }
        return Tensor.wrap(v, shape);
    }
}
