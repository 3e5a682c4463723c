package io.seqstream.model;

import io.seqstream.model.layers.InputLayer;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.LayerCall;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.layers.Weight;
import io.seqstream.model.train.Loss;
import io.seqstream.model.train.Metric;
import io.seqstream.model.train.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A Keras functional model: a graph of layer calls from {@link Input}s to outputs. Layers called more than
 * once share their weights. {@link Sequential} is the special case of a chain.
 */
public class Model {
    private final String name;
    private List<KerasTensor> inputs = List.of();
    private List<KerasTensor> outputs = List.of();
    private List<KerasTensor.Node> order = List.of(); // topological, inputs first
    private List<Layer> layers = List.of(); // unique, in first-call order, without InputLayers
    private Loss[] losses;
    private Optimizer optimizer;
    private List<List<Metric>> metrics = List.of();
    private Provenance provenance = Provenance.none();

    /** {@code keras.Model(inputs, outputs)}. */
    public Model(List<KerasTensor> inputs, List<KerasTensor> outputs) {
        this("model", inputs, outputs);
    }

    public Model(String name, List<KerasTensor> inputs, List<KerasTensor> outputs) {
        this.name = name;
        init(inputs, outputs);
    }

    public Model(KerasTensor input, KerasTensor output) {
        this(List.of(input), List.of(output));
    }

    protected Model(String name) {
        this.name = name;
    }

    protected final void init(List<KerasTensor> ins, List<KerasTensor> outs) {
        if (ins.isEmpty() || outs.isEmpty())
            throw new IllegalArgumentException("a model needs at least one input and one output");
        for (KerasTensor in : ins) {
            if (!(in.node().layer() instanceof InputLayer)) {
                throw new IllegalArgumentException("model inputs must come from Input, got " + in);
            }
        }
        List<KerasTensor.Node> topo = new ArrayList<>();
        LinkedHashSet<KerasTensor.Node> done = new LinkedHashSet<>();
        for (KerasTensor o : outs)
            visit(o.node(), done, new LinkedHashSet<>(), topo);
        for (KerasTensor.Node n : topo) {
            if (n.layer() instanceof InputLayer && ins.stream().noneMatch(i -> i.node() == n)) {
                throw new IllegalArgumentException(
                        "output depends on input '" + n.layer().name() + "' which is not among the model inputs");
            }
        }
        LinkedHashSet<Layer> ls = new LinkedHashSet<>();
        for (KerasTensor.Node n : topo)
            if (!(n.layer() instanceof InputLayer))
                ls.add(n.layer());
        Map<String, Layer> byName = new LinkedHashMap<>();
        for (Layer l : ls) {
            Layer prev = byName.put(l.name(), l);
            if (prev != null)
                throw new IllegalArgumentException("two different layers are named '" + l.name() + "'");
        }
        this.inputs = List.copyOf(ins);
        this.outputs = List.copyOf(outs);
        this.order = List.copyOf(topo);
        this.layers = List.copyOf(ls);
    }

    private static void visit(KerasTensor.Node n, LinkedHashSet<KerasTensor.Node> done, LinkedHashSet<KerasTensor.Node> path,
            List<KerasTensor.Node> topo) {
        if (done.contains(n))
            return;
        if (!path.add(n))
            throw new IllegalArgumentException("cycle in the model graph at layer '" + n.layer().name() + "'");
        for (KerasTensor in : n.inputs())
            visit(in.node(), done, path, topo);
        path.remove(n);
        done.add(n);
        topo.add(n);
    }

    public String name() {
        return name;
    }

    /** Makes sure the graph exists (a {@link Sequential} may build it from the first data it sees). */
    protected void ensureBuilt(List<Tensor> sample) {
        if (order.isEmpty())
            throw new IllegalStateException("model '" + name + "' has no layers");
    }

    public List<KerasTensor> inputs() {
        return inputs;
    }

    public List<KerasTensor> outputs() {
        return outputs;
    }

    /** Layers in call order, without input layers. */
    public List<Layer> layers() {
        return layers;
    }

    /** Call nodes in execution order (input nodes first). */
    public List<KerasTensor.Node> nodes() {
        return order;
    }

    public Layer getLayer(String layerName) {
        for (Layer l : layers)
            if (l.name().equals(layerName))
                return l;
        for (KerasTensor in : inputs)
            if (in.node().layer().name().equals(layerName))
                return in.node().layer();
        throw new IllegalArgumentException("model '" + name + "' has no layer '" + layerName + "'; layers: "
                + layers.stream().map(Layer::name).toList());
    }

    public Provenance provenance() {
        return provenance;
    }

    public void setProvenance(Provenance p) {
        this.provenance = p;
    }

    // ---------------------------------------------------------------- inference

    /**
     * Rows of strings (batch, time) for a string input, as the tensor of indices that {@link #predict} takes
     * for it: each string goes through the vocabulary of the StringLookup that reads this input.
     */
    public Tensor encodeStrings(int input, String[][] rows) {
        if (input < 0 || input >= inputs.size())
            throw new IllegalArgumentException("model '" + name + "' has no input " + input);
        KerasTensor in = inputs.get(input);
        for (KerasTensor.Node n : order) {
            if (n.layer() instanceof io.seqstream.model.layers.StringLookup s && n.inputs().size() == 1 && n.inputs().get(0) == in) {
                return s.encode(rows);
            }
        }
        throw new IllegalArgumentException("input '" + in.node().layer().name() + "' of model '" + name + "' does not feed a StringLookup");
    }

    /** Single-input, single-output {@code predict}. */
    public Tensor predict(Tensor x) {
        List<Tensor> out = predict(List.of(x));
        if (out.size() != 1)
            throw new IllegalStateException("model '" + name + "' has " + out.size() + " outputs; use predict(List)");
        return out.get(0);
    }

    /** {@code predict}: one tensor per model input, in order; one result per model output. */
    public List<Tensor> predict(List<Tensor> xs) {
        ensureBuilt(xs);
        return run(xs, false, null);
    }

    private List<Tensor> run(List<Tensor> xs, boolean training, Map<KerasTensor.Node, LayerCall> calls) {
        checkInputs(xs);
        Map<KerasTensor.Node, List<Tensor>> values = new IdentityHashMap<>();
        Map<KerasTensor.Node, List<float[]>> masks = new IdentityHashMap<>(); // Keras masks, only where some layer made one
        for (int i = 0; i < inputs.size(); i++)
            values.put(inputs.get(i).node(), List.of(xs.get(i)));
        for (KerasTensor.Node n : order) {
            if (n.layer() instanceof InputLayer)
                continue;
            List<Tensor> in = new ArrayList<>(n.inputs().size());
            List<float[]> inMasks = new ArrayList<>(n.inputs().size());
            boolean anyMask = false;
            for (KerasTensor t : n.inputs()) {
                in.add(values.get(t.node()).get(t.index()));
                List<float[]> m = masks.get(t.node());
                float[] mask = m == null ? null : m.get(t.index());
                inMasks.add(mask);
                anyMask |= mask != null;
            }
            LayerCall call = anyMask ? n.layer().forward(in, inMasks, training) : n.layer().forward(in, training);
            values.put(n, call.outputs());
            List<float[]> outMasks = n.layer().computeMask(in, inMasks);
            if (outMasks != null && outMasks.stream().anyMatch(m -> m != null))
                masks.put(n, outMasks);
            if (calls != null)
                calls.put(n, call);
        }
        List<Tensor> out = new ArrayList<>();
        for (KerasTensor o : outputs)
            out.add(values.get(o.node()).get(o.index()));
        return out;
    }

    private void checkInputs(List<Tensor> xs) {
        if (xs.size() != inputs.size()) {
            throw new IllegalArgumentException("model '" + name + "' takes " + inputs.size() + " input(s), got " + xs.size());
        }
        int batch = -1;
        for (int i = 0; i < xs.size(); i++) {
            InputLayer il = (InputLayer) inputs.get(i).node().layer();
            int[] expected = il.batchShape();
            Tensor x = xs.get(i);
            boolean ok = x.rank() == expected.length;
            for (int d = 0; ok && d < expected.length; d++)
                if (expected[d] >= 0 && expected[d] != x.dim(d))
                    ok = false;
            if (!ok) {
                throw new IllegalArgumentException("input '" + il.name() + "' of model '" + name + "': expected shape "
                        + Tensor.shapeString(expected) + " but got " + x.shapeString());
            }
            if (batch >= 0 && x.dim(0) != batch) {
                throw new IllegalArgumentException("inputs have different batch sizes: " + batch + " and " + x.dim(0));
            }
            batch = x.dim(0);
        }
    }

    /** Clears the state of every stateful layer (Keras {@code reset_states}). */
    public void resetStates() {
        for (Layer l : layers)
            l.resetStates();
    }

    // ---------------------------------------------------------------- weights

    /** Every weight, layer by layer (trainable or not): what get_weights, set_weights and saving cover. */
    public List<Weight> weights() {
        List<Weight> ws = new ArrayList<>();
        for (Layer l : layers)
            ws.addAll(l.weights());
        return ws;
    }

    /** Keras {@code trainable_weights}: what fit updates (frozen layers and non-trainable variables left out). */
    public List<Weight> trainableWeights() {
        List<Weight> ws = new ArrayList<>();
        for (Layer l : layers)
            ws.addAll(l.trainableWeights());
        return ws;
    }

    /** All weights, layer by layer, in Keras {@code get_weights()} order. */
    public List<Tensor> getWeights() {
        List<Tensor> ws = new ArrayList<>();
        for (Layer l : layers)
            ws.addAll(l.getWeights());
        return ws;
    }

    public void setWeights(List<Tensor> values) {
        int expected = weights().size();
        if (values.size() != expected) {
            throw new IllegalArgumentException("model '" + name + "' has " + expected + " weight tensors, got " + values.size());
        }
        int k = 0;
        for (Layer l : layers) {
            int n = l.weights().size();
            l.setWeights(values.subList(k, k + n));
            k += n;
        }
    }

    public long countParams() {
        long n = 0;
        for (Layer l : layers)
            n += l.countParams();
        return n;
    }

    // ---------------------------------------------------------------- training

    /** {@code compile(loss=..., optimizer=..., metrics=[...])} by Keras names. */
    public void compile(String loss, String optimizer, String... metricNames) {
        compile(Loss.of(loss), Optimizer.of(optimizer), metricNames);
    }

    public void compile(Loss loss, Optimizer optimizer, String... metricNames) {
        Loss[] ls = new Loss[Math.max(1, outputs.size())];
        Arrays.fill(ls, loss);
        compile(ls, optimizer, metricNames);
    }

    /** One loss per output. */
    public void compile(Loss[] perOutput, Optimizer optimizer, String... metricNames) {
        if (!outputs.isEmpty() && perOutput.length != outputs.size()) {
            throw new IllegalArgumentException(
                    "model '" + name + "' has " + outputs.size() + " outputs but " + perOutput.length + " losses were given");
        }
        this.losses = perOutput.clone();
        this.optimizer = optimizer;
        List<List<Metric>> ms = new ArrayList<>();
        for (Loss l : perOutput) {
            List<Metric> m = new ArrayList<>();
            for (String n : metricNames)
                m.add(Metric.of(n, l));
            ms.add(m);
        }
        this.metrics = ms;
    }

    public Optimizer optimizer() {
        requireCompiled();
        return optimizer;
    }

    private void requireCompiled() {
        if (optimizer == null)
            throw new IllegalStateException("model '" + name + "' is not compiled: call compile(loss, optimizer) first");
    }

    /** Keras {@code train_on_batch}: one gradient step on the whole batch; returns the loss before the update. */
    public double trainOnBatch(List<Tensor> xs, List<Tensor> ys) {
        ensureBuilt(xs);
        requireCompiled();
        return step(xs, ys, null);
    }

    public double trainOnBatch(Tensor x, Tensor y) {
        return trainOnBatch(List.of(x), List.of(y));
    }

    private double step(List<Tensor> xs, List<Tensor> ys, double[][] metricSums) {
        checkTargets(ys);
        List<Weight> ws = trainableWeights();
        for (Weight w : weights())
            Arrays.fill(w.gradient(), 0f);
        Map<KerasTensor.Node, LayerCall> calls = new IdentityHashMap<>();
        List<Tensor> preds = run(xs, true, calls);
        Map<KerasTensor.Node, Tensor[]> grads = new IdentityHashMap<>();
        double loss = 0;
        for (int o = 0; o < outputs.size(); o++) {
            Tensor p = preds.get(o);
            losses[o].checkTarget(p, ys.get(o), outputs.get(o).node().layer().name());
            float[] g = new float[p.size()];
            loss += losses[o].compute(p, ys.get(o), g);
            accumulate(grads, outputs.get(o), Tensor.wrap(g, p.shape()));
            if (metricSums != null) {
                for (int m = 0; m < metrics.get(o).size(); m++) {
                    double[] r = metrics.get(o).get(m).evaluate(p, ys.get(o));
                    metricSums[o][2 * m] += r[0];
                    metricSums[o][2 * m + 1] += r[1];
                }
            }
        }
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException("model '" + name + "': loss became " + loss + "; check the learning rate and inputs");
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            KerasTensor.Node n = order.get(i);
            Tensor[] g = grads.get(n);
            if (g == null || n.layer() instanceof InputLayer)
                continue;
            List<Tensor> gl = Arrays.asList(g);
            boolean anyNonNull = gl.stream().anyMatch(t -> t != null);
            if (!anyNonNull)
                continue;
            List<Tensor> outGrads = new ArrayList<>(gl);
            if (outGrads.get(0) == null && !(n.layer() instanceof RNN))
                continue;
            List<Tensor> inGrads = n.layer().backward(calls.get(n), outGrads);
            for (int k = 0; k < n.inputs().size(); k++) {
                Tensor ig = inGrads.get(k);
                if (ig != null)
                    accumulate(grads, n.inputs().get(k), ig);
            }
        }
        optimizer.apply(ws);
        return loss;
    }

    private static void accumulate(Map<KerasTensor.Node, Tensor[]> grads, KerasTensor t, Tensor g) {
        Tensor[] arr = grads.computeIfAbsent(t.node(), k -> new Tensor[Math.max(1, k.outputs().size())]);
        Tensor prev = arr[t.index()];
        if (prev == null) {
            arr[t.index()] = g;
        } else {
            float[] sum = prev.toArray();
            float[] d = g.data();
            for (int i = 0; i < sum.length; i++)
                sum[i] += d[i];
            arr[t.index()] = Tensor.wrap(sum, prev.shape());
        }
    }

    private void checkTargets(List<Tensor> ys) {
        if (ys.size() != outputs.size()) {
            throw new IllegalArgumentException(
                    "model '" + name + "' has " + outputs.size() + " output(s), got " + ys.size() + " target(s)");
        }
    }

    /** Keras {@code fit}; prints one progress line per epoch. */
    public History fit(Tensor x, Tensor y, FitOptions options) {
        return fit(List.of(x), List.of(y), options);
    }

    public History fit(List<Tensor> xs, List<Tensor> ys, FitOptions opt) {
        ensureBuilt(xs);
        requireCompiled();
        checkTargets(ys);
        int n = xs.get(0).dim(0);
        for (Tensor t : ys) {
            if (t.dim(0) != n)
                throw new IllegalArgumentException("targets have " + t.dim(0) + " samples but inputs have " + n);
        }
        int nVal = (int) Math.floor(n * opt.validationSplit());
        int nTrain = n - nVal;
        if (nTrain <= 0)
            throw new IllegalArgumentException("no training samples left after validationSplit " + opt.validationSplit());
        List<Tensor> xTrain = slice(xs, 0, nTrain), yTrain = slice(ys, 0, nTrain);
        List<Tensor> xVal = nVal > 0 ? slice(xs, nTrain, n) : null, yVal = nVal > 0 ? slice(ys, nTrain, n) : null;
        Map<String, List<Double>> hist = new LinkedHashMap<>();
        Random rnd = new Random(opt.seed());
        int[] idx = new int[nTrain];
        for (int i = 0; i < nTrain; i++)
            idx[i] = i;
        for (int epoch = 1; epoch <= opt.epochs(); epoch++) {
            long t0 = System.nanoTime();
            if (opt.shuffle()) {
                for (int i = nTrain - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int tmp = idx[i];
                    idx[i] = idx[j];
                    idx[j] = tmp;
                }
            }
            double lossSum = 0;
            double[][] ms = newMetricSums();
            for (int start = 0; start < nTrain; start += opt.batchSize()) {
                int end = Math.min(nTrain, start + opt.batchSize());
                int[] rows = Arrays.copyOfRange(idx, start, end);
                List<Tensor> bx = gather(xTrain, rows), by = gather(yTrain, rows);
                lossSum += step(bx, by, ms) * rows.length;
            }
            Map<String, Double> epochLogs = new LinkedHashMap<>();
            epochLogs.put("loss", lossSum / nTrain);
            putMetrics(epochLogs, ms);
            if (xVal != null) {
                Map<String, Double> v = evaluate(xVal, yVal);
                v.forEach((k, val) -> epochLogs.put("val_" + k, val));
            }
            epochLogs.forEach((k, v) -> hist.computeIfAbsent(k, kk -> new ArrayList<>()).add(v));
            double secs = (System.nanoTime() - t0) / 1e9;
            StringBuilder line = new StringBuilder(String.format("Epoch %d/%d - %.2fs", epoch, opt.epochs(), secs));
            epochLogs.forEach((k, v) -> line.append(String.format(" - %s: %.4f", k, v)));
            opt.progress().accept(line.toString());
        }
        return new History(hist);
    }

    private double[][] newMetricSums() {
        double[][] ms = new double[outputs.size()][];
        for (int o = 0; o < outputs.size(); o++)
            ms[o] = new double[2 * metrics.get(o).size()];
        return ms;
    }

    private void putMetrics(Map<String, Double> logs, double[][] ms) {
        for (int o = 0; o < outputs.size(); o++) {
            for (int m = 0; m < metrics.get(o).size(); m++) {
                String key = metricName(o, metrics.get(o).get(m));
                logs.put(key, ms[o][2 * m + 1] == 0 ? Double.NaN : ms[o][2 * m] / ms[o][2 * m + 1]);
            }
        }
    }

    private String metricName(int output, Metric m) {
        String base = m == Metric.MAE || m == Metric.MSE ? m.kerasName() : "accuracy";
        return outputs.size() > 1 ? outputs.get(output).node().layer().name() + "_" + base : base;
    }

    /** Keras {@code evaluate}: loss (sum over outputs) and metrics, in inference mode. */
    public Map<String, Double> evaluate(List<Tensor> xs, List<Tensor> ys) {
        ensureBuilt(xs);
        requireCompiled();
        checkTargets(ys);
        List<Tensor> preds = predict(xs);
        double loss = 0;
        double[][] ms = newMetricSums();
        for (int o = 0; o < outputs.size(); o++) {
            losses[o].checkTarget(preds.get(o), ys.get(o), outputs.get(o).node().layer().name());
            loss += losses[o].compute(preds.get(o), ys.get(o), null);
            for (int m = 0; m < metrics.get(o).size(); m++) {
                double[] r = metrics.get(o).get(m).evaluate(preds.get(o), ys.get(o));
                ms[o][2 * m] += r[0];
                ms[o][2 * m + 1] += r[1];
            }
        }
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", loss);
        putMetrics(logs, ms);
        return logs;
    }

    public Map<String, Double> evaluate(Tensor x, Tensor y) {
        return evaluate(List.of(x), List.of(y));
    }

    private static List<Tensor> slice(List<Tensor> ts, int from, int to) {
        return ts.stream().map(t -> t.sliceBatch(from, to)).toList();
    }

    private static List<Tensor> gather(List<Tensor> ts, int[] rows) {
        return ts.stream().map(t -> t.gatherBatch(rows)).toList();
    }

    // ---------------------------------------------------------------- summary

    /** Keras' {@code summary()} table; printed to stdout and returned. */
    public String summary() {
        String s = ModelSummary.render(this);
        System.out.print(s);
        return s;
    }

    /** True for a plain chain of single-input layers from one input. */
    public boolean isSequential() {
        return this instanceof Sequential;
    }
}
