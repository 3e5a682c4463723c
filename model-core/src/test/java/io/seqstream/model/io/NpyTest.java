package io.seqstream.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.model.Tensor;
import io.seqstream.testkit.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path tmp;

    /** Writes a .npy file the way numpy does: header padded with spaces to a multiple of 64, ending in '\n'. */
    static byte[] npy(int major, String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
        int pre = major == 1 ? 10 : 12;
        int total = pre + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(pre + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{ (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0 });
        if (major == 1)
            b.putShort((short) h.length);
        else
            b.putInt(h.length);
        b.put(h).put(data);
        return b.array();
    }

    static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v)
            b.putFloat(x);
        return b.array();
    }

    static byte[] i64(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v)
            b.putLong(x);
        return b.array();
    }

    static byte[] i32(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v)
            b.putInt(x);
        return b.array();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsFloat32V1InCOrder() throws IOException {
        Path p = write("w.npy", npy(1, "<f4", false, "(2, 3)", f32(1, 2, 3, 4, 5, 6)));
        Npy a = Npy.read(p);
        assertThat(a.dtype()).isEqualTo(Npy.DType.FLOAT32);
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.size()).isEqualTo(6);
        assertThat(a.floats()).containsExactly(1, 2, 3, 4, 5, 6);
        Tensor t = a.toTensor();
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t.toArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(Npy.readTensor(p).shape()).containsExactly(2, 3);
    }

    @Test
    void readsInt64V2() throws IOException {
        Npy a = Npy.parse(npy(2, "<i8", false, "(3,)", i64(7, -1, 1L << 40)), "tokens.npy");
        assertThat(a.dtype()).isEqualTo(Npy.DType.INT64);
        assertThat(a.shape()).containsExactly(3);
        assertThat(a.longs()).containsExactly(7, -1, 1L << 40);
        assertThatThrownBy(a::ints).hasMessageContaining("tokens.npy").hasMessageContaining("does not fit in an int");
        assertThatThrownBy(a::floats).hasMessageContaining("tokens.npy").hasMessageContaining("not float32");
    }

    @Test
    void readsInt32AndScalarsAndEmpty() throws IOException {
        Npy a = Npy.parse(npy(1, "<i4", false, "(2, 2)", i32(1, 2, 3, -4)), "i.npy");
        assertThat(a.ints()).containsExactly(1, 2, 3, -4);
        assertThat(a.longs()).containsExactly(1, 2, 3, -4);

        Npy s = Npy.parse(npy(1, "<f4", false, "()", f32(2.5f)), "s.npy");
        assertThat(s.rank()).isZero();
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.floats()).containsExactly(2.5f);

        Npy e = Npy.parse(npy(1, "<f4", false, "(0, 4)", new byte[0]), "e.npy");
        assertThat(e.shape()).containsExactly(0, 4);
        assertThat(e.floats()).isEmpty();
    }

    @Test
    void headerWithoutTrailingCommaAndDoubleQuotes() throws IOException {
        String dict = "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (1, 2)}\n";
        byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{ (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0 }).putShort((short) h.length).put(h).put(f32(3, 4));
        assertThat(Npy.parse(b.array(), "q.npy").floats()).containsExactly(3, 4);
    }

    @Test
    void rejectsUnsupportedDtypesNamingTheFile() throws IOException {
        Path f8 = write("double.npy", npy(1, "<f8", false, "(1,)", new byte[8]));
        assertThatThrownBy(() -> Npy.read(f8)).isInstanceOf(IOException.class)
                .hasMessageContaining(f8.toString()).hasMessageContaining("unsupported dtype '<f8'");
        Path be = write("big.npy", npy(1, ">f4", false, "(1,)", new byte[4]));
        assertThatThrownBy(() -> Npy.read(be)).hasMessageContaining(be.toString()).hasMessageContaining("big-endian");
        Path obj = write("obj.npy", npy(1, "|O", false, "(1,)", new byte[8]));
        assertThatThrownBy(() -> Npy.read(obj)).hasMessageContaining(obj.toString()).hasMessageContaining("'|O'");
    }

    @Test
    void rejectsFortranOrder() throws IOException {
        Path p = write("fortran.npy", npy(1, "<f4", true, "(2, 2)", f32(1, 2, 3, 4)));
        assertThatThrownBy(() -> Npy.read(p)).hasMessageContaining(p.toString()).hasMessageContaining("fortran_order is True");
    }

    @Test
    void rejectsTruncatedFiles() throws IOException {
        byte[] full = npy(1, "<f4", false, "(2, 3)", f32(1, 2, 3, 4, 5, 6));
        Path data = write("short.npy", Arrays.copyOf(full, full.length - 3));
        assertThatThrownBy(() -> Npy.read(data)).hasMessageContaining(data.toString())
                .hasMessageContaining("truncated").hasMessageContaining("needs 24 data bytes, the file has 21");
        Path header = write("header.npy", Arrays.copyOf(full, 30));
        assertThatThrownBy(() -> Npy.read(header)).hasMessageContaining(header.toString()).hasMessageContaining("truncated");
        Path tiny = write("tiny.npy", Arrays.copyOf(full, 4));
        assertThatThrownBy(() -> Npy.read(tiny)).hasMessageContaining(tiny.toString()).hasMessageContaining("not a .npy file");
        Path extra = write("extra.npy", Arrays.copyOf(full, full.length + 4));
        assertThatThrownBy(() -> Npy.read(extra)).hasMessageContaining(extra.toString()).hasMessageContaining("4 unexpected bytes");
    }

    @Test
    void rejectsOtherFilesAndVersions() throws IOException {
        Path txt = write("notes.npy", "hello, this is text".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Npy.read(txt)).hasMessageContaining(txt.toString()).hasMessageContaining("magic");
        byte[] v9 = npy(1, "<f4", false, "(1,)", f32(1));
        v9[6] = 9;
        assertThatThrownBy(() -> Npy.parse(v9, "v9.npy")).hasMessageContaining("v9.npy").hasMessageContaining("version 9.0");
        assertThatThrownBy(() -> Npy.parse(npy(1, "<f4", false, "(1,)", f32(1)), "s.npy").expectShape(2))
                .hasMessageContaining("s.npy").hasMessageContaining("expected [2]");
    }

    @Test
    void readsThePeerWeights() throws IOException {
        Path dir = SharedData.require("peers", "onnx", "H128"); // fails naming the path when the shared data is missing
        assertThat(Npy.read(dir.resolve("emb.npy")).expectShape(1000, 64).floats()).hasSize(64_000);
        assertThat(Npy.read(dir.resolve("ref_tokens.npy")).expectShape(6, 4).dtype()).isEqualTo(Npy.DType.INT64);
    }
}
