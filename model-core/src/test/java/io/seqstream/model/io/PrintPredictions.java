package io.seqstream.model.io;

import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import java.nio.file.Path;

/** Run in a separate JVM by ModelFileTest: loads a model file and prints its predictions. */
public final class PrintPredictions {
    private PrintPredictions() {
    }

    public static void main(String[] args) {
        Model m = ModelFile.load(Path.of(args[0]));
        System.out.println(format(m.predict(Tensor.ofTokens(ModelFileTest.TOKENS))));
    }

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("P ");
        for (float v : t.data())
            sb.append(Integer.toHexString(Float.floatToRawIntBits(v))).append(' ');
        return sb.toString().trim();
    }

    static String csv(Tensor t) {
        StringBuilder sb = new StringBuilder();
        for (float v : t.data())
            sb.append(sb.length() == 0 ? "" : ",").append(v);
        return sb.toString();
    }
}
