// The fold_constants pass: each op of its evaluator on hand-computed values,
// Reshape shape chains on static and dynamic-batch inputs, the nodes it must
// leave alone, and real models that keep their ONNX Runtime outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "nnport/npy.h"
#include "nnport/onnx_model.h"
#include "onnx_graph_test_util.h"
#include "onnx_ort_test_util.h"

namespace nnport {
namespace {

using namespace onnx_test;  // NOLINT: the graph builders

using Names = std::vector<std::string>;
using Ints = std::vector<int64_t>;
using Floats = std::vector<float>;
using TP = onnx::TensorProto;

TP int64_tensor(const std::string& name, const Ints& dims, const Ints& values) {
  TP t;
  t.set_name(name);
  t.set_data_type(TP::INT64);
  for (int64_t d : dims) t.add_dims(d);
  for (int64_t v : values) t.add_int64_data(v);
  return t;
}

void add_ints(onnx::GraphProto& g, const std::string& name, const Ints& dims, const Ints& values) {
  *g.add_initializer() = int64_tensor(name, dims, values);
}

onnx::NodeProto* add_constant(onnx::GraphProto& g, const std::string& out, const TP& value) {
  onnx::NodeProto* c = add_node(g, "Constant", {}, {out}, "const_" + out);
  onnx::AttributeProto* a = c->add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  *a->mutable_t() = value;
  return c;
}

void set_int(onnx::NodeProto* n, const std::string& name, int64_t v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void set_ints(onnx::NodeProto* n, const std::string& name, const Ints& v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

const TP* initializer(const onnx::GraphProto& g, const std::string& name) {
  for (const auto& t : g.initializer())
    if (t.name() == name) return &t;
  return nullptr;
}

Ints dims_of(const TP& t) { return {t.dims().begin(), t.dims().end()}; }

// An integer or bool tensor's values, whichever field holds them.
Ints ints_of(const TP& t) {
  Ints out;
  if (!t.raw_data().empty()) {
    const size_t size = t.data_type() == TP::INT64 ? 8 : t.data_type() == TP::INT32 ? 4 : 1;
    for (size_t k = 0; k < t.raw_data().size() / size; ++k) {
      if (size == 8) {
        int64_t x;
        std::memcpy(&x, t.raw_data().data() + 8 * k, 8);
        out.push_back(x);
      } else if (size == 4) {
        int32_t x;
        std::memcpy(&x, t.raw_data().data() + 4 * k, 4);
        out.push_back(x);
      } else {
        out.push_back(static_cast<uint8_t>(t.raw_data()[k]));
      }
    }
    return out;
  }
  if (t.data_type() == TP::INT64) return {t.int64_data().begin(), t.int64_data().end()};
  return {t.int32_data().begin(), t.int32_data().end()};
}

Floats floats_of(const TP& t) {
  if (t.raw_data().empty()) return {t.float_data().begin(), t.float_data().end()};
  Floats out(t.raw_data().size() / 4);
  std::memcpy(out.data(), t.raw_data().data(), out.size() * 4);
  return out;
}

// Writes `model`, rewrites it with fold_constants (checker on) and loads the
// result; the input's path goes to *original.
onnx::ModelProto folded(const std::string& name, const onnx::ModelProto& model,
                        std::string* original = nullptr, std::vector<InputDims> dims = {}) {
  const std::string in = save(name + ".onnx", model);
  const std::string out = (scratch_dir() / (name + ".folded.onnx")).string();
  Status s = rewrite_onnx(in, out, {.passes = {"fold_constants"}, .input_dims = std::move(dims)});
  if (!s.ok()) throw std::runtime_error(s.message());
  if (original) *original = in;
  return load(out);
}

// One op on constant inputs -> "r"; Identity(r) -> graph output "y" keeps a
// reader, so "r" must come back as an initializer and the op must go.
struct OneOp {
  onnx::ModelProto model;
  onnx::GraphProto& g;
  onnx::NodeProto* node;
  OneOp(const std::string& op, const Names& inputs, int64_t opset = 17)
      : model(make_model(opset)), g(*model.mutable_graph()) {
    node = add_node(g, op, inputs, {"r"}, "op");
    add_node(g, "Identity", {"r"}, {"y"}, "keep");
  }
  // The folded "r"; the output's type/shape are for the checker.
  TP fold(const std::string& name, int32_t elem, const Ints& dims) {
    set_value(g.add_output(), "y", dims, elem);
    const onnx::ModelProto r = folded(name, model);
    EXPECT_EQ(r.graph().node_size(), 1) << name;
    EXPECT_EQ(count_op(r.graph(), op_type()), 0) << name;
    const TP* t = initializer(r.graph(), "r");
    if (t == nullptr) throw std::runtime_error(name + ": no initializer r");
    EXPECT_EQ(t->data_type(), elem) << name;
    EXPECT_EQ(dims_of(*t), dims) << name;
    return *t;
  }
  std::string op_type() const { return node->op_type(); }
};

TEST(OnnxFoldConstants, Gather) {
  OneOp m("Gather", {"data", "idx"});
  add_ints(m.g, "data", {2, 3}, {1, 2, 3, 4, 5, 6});
  add_ints(m.g, "idx", {2}, {-1, 0});
  set_int(m.node, "axis", 1);
  // np.take([[1,2,3],[4,5,6]], [-1, 0], axis=1) = [[3,1],[6,4]]
  EXPECT_EQ(ints_of(m.fold("gather", TP::INT64, {2, 2})), (Ints{3, 1, 6, 4}));
}

TEST(OnnxFoldConstants, GatherScalarIndexDropsTheAxis) {
  OneOp m("Gather", {"data", "idx"});
  add_ints(m.g, "data", {3}, {7, 8, 9});
  add_ints(m.g, "idx", {}, {1});
  EXPECT_EQ(ints_of(m.fold("gather_scalar", TP::INT64, {})), (Ints{8}));
}

TEST(OnnxFoldConstants, SliceClampsAndStepsBackwards) {
  OneOp m("Slice", {"data", "starts", "ends", "axes", "steps"});
  // np.arange(8).reshape(2, 4)[1:1000, 3:0:-2] = [[7, 5]]
  m.g.add_initializer()->CopyFrom(float_tensor("data", {2, 4}, {0, 1, 2, 3, 4, 5, 6, 7}));
  add_ints(m.g, "starts", {2}, {1, 3});
  add_ints(m.g, "ends", {2}, {1000, 0});
  add_ints(m.g, "axes", {2}, {0, -1});
  add_ints(m.g, "steps", {2}, {1, -2});
  EXPECT_EQ(floats_of(m.fold("slice", TP::FLOAT, {1, 2})), (Floats{7, 5}));
}

TEST(OnnxFoldConstants, SliceWithoutAxesFromANegativeStart) {
  OneOp m("Slice", {"data", "starts", "ends"});
  // np.array([10, 11, 12, 13, 14])[-3:-1] = [12, 13]
  add_ints(m.g, "data", {5}, {10, 11, 12, 13, 14});
  add_ints(m.g, "starts", {1}, {-3});
  add_ints(m.g, "ends", {1}, {-1});
  EXPECT_EQ(ints_of(m.fold("slice_neg", TP::INT64, {2})), (Ints{12, 13}));
}

TEST(OnnxFoldConstants, UnsqueezeAxesInputAtOpset13) {
  OneOp m("Unsqueeze", {"data", "axes"});
  add_ints(m.g, "data", {3}, {1, 2, 3});
  add_ints(m.g, "axes", {2}, {0, -1});  // output rank 3: dims 0 and 2 are new
  EXPECT_EQ(ints_of(m.fold("unsqueeze13", TP::INT64, {1, 3, 1})), (Ints{1, 2, 3}));
}

TEST(OnnxFoldConstants, UnsqueezeAxesAttributeAtOpset11) {
  OneOp m("Unsqueeze", {"data"}, 11);
  add_ints(m.g, "data", {2}, {4, 5});
  set_ints(m.node, "axes", {1});
  EXPECT_EQ(ints_of(m.fold("unsqueeze11", TP::INT64, {2, 1})), (Ints{4, 5}));
}

TEST(OnnxFoldConstants, SqueezeGivenAxesAndAllOnes) {
  {
    OneOp m("Squeeze", {"data", "axes"});
    add_ints(m.g, "data", {1, 3, 1}, {1, 2, 3});
    add_ints(m.g, "axes", {1}, {-1});
    EXPECT_EQ(ints_of(m.fold("squeeze13", TP::INT64, {1, 3})), (Ints{1, 2, 3}));
  }
  {
    OneOp m("Squeeze", {"data"}, 11);  // no axes: every dim of size 1 goes
    add_ints(m.g, "data", {1, 3, 1}, {1, 2, 3});
    EXPECT_EQ(ints_of(m.fold("squeeze11", TP::INT64, {3})), (Ints{1, 2, 3}));
  }
}

TEST(OnnxFoldConstants, ConcatOnTheLastAxis) {
  OneOp m("Concat", {"a", "b"});
  m.g.add_initializer()->CopyFrom(float_tensor("a", {2, 1}, {1, 2}));
  m.g.add_initializer()->CopyFrom(float_tensor("b", {2, 2}, {3, 4, 5, 6}));
  set_int(m.node, "axis", -1);
  // np.concatenate([[[1],[2]], [[3,4],[5,6]]], axis=-1) = [[1,3,4],[2,5,6]]
  EXPECT_EQ(floats_of(m.fold("concat", TP::FLOAT, {2, 3})), (Floats{1, 3, 4, 2, 5, 6}));
}

TEST(OnnxFoldConstants, CastTruncatesFloatsTowardZero) {
  OneOp m("Cast", {"x"});
  m.g.add_initializer()->CopyFrom(float_tensor("x", {3}, {2.7f, -2.7f, 0.5f}));
  set_int(m.node, "to", TP::INT64);
  // np.array([2.7, -2.7, 0.5], np.float32).astype(np.int64) = [2, -2, 0]
  EXPECT_EQ(ints_of(m.fold("cast_f2i", TP::INT64, {3})), (Ints{2, -2, 0}));
}

TEST(OnnxFoldConstants, CastIntToFloatAndInt32) {
  {
    OneOp m("Cast", {"x"});
    add_ints(m.g, "x", {2}, {-3, 5});
    set_int(m.node, "to", TP::FLOAT);
    EXPECT_EQ(floats_of(m.fold("cast_i2f", TP::FLOAT, {2})), (Floats{-3, 5}));
  }
  {
    OneOp m("Cast", {"x"});
    add_ints(m.g, "x", {2}, {-3, 4294967297});  // 2^32 + 1 wraps to 1 in int32
    set_int(m.node, "to", TP::INT32);
    EXPECT_EQ(ints_of(m.fold("cast_i2i32", TP::INT32, {2})), (Ints{-3, 1}));
  }
}

TEST(OnnxFoldConstants, ReshapeCopiesZeroAndInfersMinusOne) {
  OneOp m("Reshape", {"data", "shape"});
  Ints values(12);
  for (int k = 0; k < 12; ++k) values[k] = k;
  add_ints(m.g, "data", {2, 3, 2}, values);
  add_ints(m.g, "shape", {2}, {0, -1});  // 0 -> dim 0 (2); -1 -> 12 / 2 = 6
  EXPECT_EQ(ints_of(m.fold("reshape", TP::INT64, {2, 6})), values);
}

TEST(OnnxFoldConstants, IntegerArithmeticBroadcasts) {
  // a = [[10], [-7]], b = [1, 2, 3]
  struct Case {
    const char* op;
    Ints want;
  };
  for (const Case& c : {Case{"Add", {11, 12, 13, -6, -5, -4}}, Case{"Sub", {9, 8, 7, -8, -9, -10}},
                        Case{"Mul", {10, 20, 30, -7, -14, -21}},
                        // Integer Div truncates toward zero: -7 / 2 = -3
                        // (C and ONNX Runtime; numpy's // would give -4).
                        Case{"Div", {10, 5, 3, -7, -3, -2}}}) {
    OneOp m(c.op, {"a", "b"});
    add_ints(m.g, "a", {2, 1}, {10, -7});
    add_ints(m.g, "b", {3}, {1, 2, 3});
    EXPECT_EQ(ints_of(m.fold(std::string("int_") + c.op, TP::INT64, {2, 3})), c.want) << c.op;
  }
}

TEST(OnnxFoldConstants, FloatArithmetic) {
  // a = [1.5, -2], b = [0.5] (broadcast)
  struct Case {
    const char* op;
    Floats want;
  };
  for (const Case& c : {Case{"Add", {2, -1.5f}}, Case{"Sub", {1, -2.5f}}, Case{"Mul", {0.75f, -1}},
                        Case{"Div", {3, -4}}}) {
    OneOp m(c.op, {"a", "b"});
    m.g.add_initializer()->CopyFrom(float_tensor("a", {2}, {1.5f, -2}));
    m.g.add_initializer()->CopyFrom(float_tensor("b", {1}, {0.5f}));
    EXPECT_EQ(floats_of(m.fold(std::string("float_") + c.op, TP::FLOAT, {2})), c.want) << c.op;
  }
}

TEST(OnnxFoldConstants, ConstantOfShape) {
  {
    OneOp m("ConstantOfShape", {"shape"});
    add_ints(m.g, "shape", {2}, {2, 3});
    onnx::AttributeProto* a = m.node->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    *a->mutable_t() = int64_tensor("", {1}, {7});
    EXPECT_EQ(ints_of(m.fold("cos_int", TP::INT64, {2, 3})), (Ints{7, 7, 7, 7, 7, 7}));
  }
  {
    OneOp m("ConstantOfShape", {"shape"});  // default value: float 0
    add_ints(m.g, "shape", {1}, {2});
    EXPECT_EQ(floats_of(m.fold("cos_default", TP::FLOAT, {2})), (Floats{0, 0}));
  }
}

TEST(OnnxFoldConstants, Range) {
  struct Case {
    Ints args, want;
  };
  // np.arange(1, 10, 3) = [1, 4, 7]; np.arange(5, 0, -2) = [5, 3, 1];
  // np.arange(3, 3, 1) = []
  for (const Case& c :
       {Case{{1, 10, 3}, {1, 4, 7}}, Case{{5, 0, -2}, {5, 3, 1}}, Case{{3, 3, 1}, {}}}) {
    OneOp m("Range", {"start", "limit", "delta"});
    add_ints(m.g, "start", {}, {c.args[0]});
    add_ints(m.g, "limit", {}, {c.args[1]});
    add_ints(m.g, "delta", {}, {c.args[2]});
    const std::string name = "range_" + std::to_string(c.args[0]) + std::to_string(c.args[1]);
    EXPECT_EQ(ints_of(m.fold(name, TP::INT64, {static_cast<int64_t>(c.want.size())})), c.want);
  }
  OneOp m("Range", {"start", "limit", "delta"});
  m.g.add_initializer()->CopyFrom(float_tensor("start", {}, {0}));
  m.g.add_initializer()->CopyFrom(float_tensor("limit", {}, {1}));
  m.g.add_initializer()->CopyFrom(float_tensor("delta", {}, {0.25f}));
  EXPECT_EQ(floats_of(m.fold("range_float", TP::FLOAT, {4})), (Floats{0, 0.25f, 0.5f, 0.75f}));
}

TEST(OnnxFoldConstants, TransposeDefaultAndGivenPerm) {
  {
    OneOp m("Transpose", {"x"});
    add_ints(m.g, "x", {2, 3}, {1, 2, 3, 4, 5, 6});
    // np.array([[1,2,3],[4,5,6]]).T = [[1,4],[2,5],[3,6]]
    EXPECT_EQ(ints_of(m.fold("transpose", TP::INT64, {3, 2})), (Ints{1, 4, 2, 5, 3, 6}));
  }
  {
    OneOp m("Transpose", {"x"});
    Ints values(12);
    for (int k = 0; k < 12; ++k) values[k] = k;
    add_ints(m.g, "x", {2, 3, 2}, values);
    set_ints(m.node, "perm", {1, 0, 2});
    // np.arange(12).reshape(2,3,2).transpose(1,0,2).ravel()
    //   = [0,1,6,7, 2,3,8,9, 4,5,10,11]
    EXPECT_EQ(ints_of(m.fold("transpose102", TP::INT64, {3, 2, 2})),
              (Ints{0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11}));
  }
}

TEST(OnnxFoldConstants, EqualThenWhere) {
  onnx::ModelProto model = make_model(17);
  onnx::GraphProto& g = *model.mutable_graph();
  add_ints(g, "a", {3}, {1, 2, 3});
  add_ints(g, "b", {3}, {1, 0, 3});
  g.add_initializer()->CopyFrom(float_tensor("x", {3}, {1, 2, 3}));
  g.add_initializer()->CopyFrom(float_tensor("other", {}, {-1}));
  add_node(g, "Equal", {"a", "b"}, {"eq"}, "eq");
  add_node(g, "Where", {"eq", "x", "other"}, {"r"}, "where");
  add_node(g, "Identity", {"eq"}, {"eq_out"}, "keep_eq");
  add_node(g, "Identity", {"r"}, {"y"}, "keep");
  set_value(g.add_output(), "eq_out", {3}, TP::BOOL);
  set_value(g.add_output(), "y", {3});
  const onnx::ModelProto r = folded("equal_where", model);
  EXPECT_EQ(r.graph().node_size(), 2);
  // [1,2,3] == [1,0,3] -> [T,F,T]; where(., [1,2,3], -1) -> [1,-1,3]
  ASSERT_NE(initializer(r.graph(), "eq"), nullptr);
  EXPECT_EQ(initializer(r.graph(), "eq")->data_type(), TP::BOOL);
  EXPECT_EQ(ints_of(*initializer(r.graph(), "eq")), (Ints{1, 0, 1}));
  ASSERT_NE(initializer(r.graph(), "r"), nullptr);
  EXPECT_EQ(floats_of(*initializer(r.graph(), "r")), (Floats{1, -1, 3}));
  // Inputs nothing reads any more went with the nodes.
  EXPECT_EQ(initializer(r.graph(), "a"), nullptr);
  EXPECT_EQ(initializer(r.graph(), "x"), nullptr);
}

TEST(OnnxFoldConstants, ConstantNodesBecomeInitializers) {
  onnx::ModelProto model = make_model(17);
  onnx::GraphProto& g = *model.mutable_graph();
  set_value(g.add_input(), "x", {2});
  add_constant(g, "c", float_tensor("", {2}, {0.5f, 4}));
  onnx::NodeProto* ints = add_node(g, "Constant", {}, {"k"}, "const_k");
  set_ints(ints, "value_ints", {2});
  add_node(g, "Add", {"x", "c"}, {"s"}, "add");
  add_node(g, "Reshape", {"s", "k"}, {"y"}, "reshape");
  set_value(g.add_output(), "y", {2});
  set_value(g.add_value_info(), "c", {2});
  const onnx::ModelProto r = folded("constants", model);
  EXPECT_EQ(r.graph().node_size(), 2);
  EXPECT_EQ(count_op(r.graph(), "Constant"), 0);
  ASSERT_NE(initializer(r.graph(), "c"), nullptr);
  EXPECT_EQ(floats_of(*initializer(r.graph(), "c")), (Floats{0.5f, 4}));
  ASSERT_NE(initializer(r.graph(), "k"), nullptr);
  EXPECT_EQ(ints_of(*initializer(r.graph(), "k")), (Ints{2}));
  EXPECT_TRUE(has_value_info(r.graph(), "c"));  // still defined, now by the initializer
}

using Dim = onnx::TensorShapeProto_Dimension;

Dim dim(int64_t v) {
  Dim d;
  d.set_dim_value(v);
  return d;
}
Dim dim(const std::string& param) {
  Dim d;
  d.set_dim_param(param);
  return d;
}

// A float value whose dims may be symbolic.
void set_dims(onnx::ValueInfoProto* v, const std::string& name, const std::vector<Dim>& dims) {
  set_value(v, name, {});
  for (const Dim& d : dims)
    *v->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim() = d;
}

// x -> Shape -> Gather(0) -> Unsqueeze -> Concat([-1], .) ... -> Reshape(x).
// With x static the whole shape chain folds into the Reshape's shape.
onnx::ModelProto shape_chain(const std::vector<Dim>& x_dims) {
  onnx::ModelProto m = make_model(13);
  onnx::GraphProto& g = *m.mutable_graph();
  set_dims(g.add_input(), "x", x_dims);
  add_ints(g, "i0", {}, {0});
  add_ints(g, "i1", {}, {1});
  add_ints(g, "i2", {}, {2});
  add_ints(g, "axes0", {1}, {0});
  add_node(g, "Shape", {"x"}, {"s"}, "shape");
  add_node(g, "Gather", {"s", "i0"}, {"d0"}, "gather0");
  add_node(g, "Gather", {"s", "i1"}, {"d1"}, "gather1");
  add_node(g, "Gather", {"s", "i2"}, {"d2"}, "gather2");
  add_node(g, "Mul", {"d1", "d2"}, {"d12"}, "mul");
  add_node(g, "Unsqueeze", {"d0", "axes0"}, {"u0"}, "unsqueeze0");
  add_node(g, "Unsqueeze", {"d12", "axes0"}, {"u12"}, "unsqueeze12");
  set_int(add_node(g, "Concat", {"u0", "u12"}, {"target"}, "concat"), "axis", 0);
  add_node(g, "Reshape", {"x", "target"}, {"y"}, "reshape");
  set_dims(g.add_output(), "y", {x_dims[0], dim(12)});
  return m;
}

TEST(OnnxFoldConstants, StaticShapeChainFoldsIntoTheReshape) {
  const onnx::ModelProto r = folded("chain_static", shape_chain({dim(2), dim(3), dim(4)}));
  const onnx::GraphProto& g = r.graph();
  ASSERT_EQ(g.node_size(), 1);
  EXPECT_EQ(g.node(0).op_type(), "Reshape");
  EXPECT_EQ(inputs_of(g.node(0)), (Names{"x", "target"}));
  ASSERT_EQ(g.initializer_size(), 1);  // i0.. and axes0 went with their readers
  const TP& target = *initializer(g, "target");
  EXPECT_EQ(dims_of(target), (Ints{2}));
  EXPECT_EQ(ints_of(target), (Ints{2, 12}));  // [2, 3 * 4]
}

TEST(OnnxFoldConstants, InputDimsMakeADynamicChainStatic) {
  std::string in;
  const onnx::ModelProto r = folded("chain_fixed", shape_chain({dim("N"), dim(3), dim(4)}), &in,
                                    {{.name = "x", .dims = {5, -1, -1}}});
  ASSERT_EQ(r.graph().node_size(), 1);
  EXPECT_EQ(ints_of(*initializer(r.graph(), "target")), (Ints{5, 12}));
}

TEST(OnnxFoldConstants, DynamicBatchFoldsOnlyTheStaticDims) {
  const onnx::ModelProto r = folded("chain_dynamic", shape_chain({dim("N"), dim(3), dim(4)}));
  const onnx::GraphProto& g = r.graph();
  // Shape, Gather(0), Unsqueeze(d0), Concat and Reshape stay; the dims 1
  // and 2 (3 and 4, static) fold with their Mul and Unsqueeze.
  EXPECT_EQ(g.node_size(), 5);
  EXPECT_NE(find_node(g, "shape"), nullptr);
  EXPECT_NE(find_node(g, "gather0"), nullptr);
  EXPECT_NE(find_node(g, "unsqueeze0"), nullptr);
  EXPECT_EQ(find_node(g, "gather1"), nullptr);
  EXPECT_EQ(find_node(g, "mul"), nullptr);
  EXPECT_EQ(find_node(g, "unsqueeze12"), nullptr);
  EXPECT_EQ(inputs_of(*find_node(g, "concat")), (Names{"u0", "u12"}));
  ASSERT_NE(initializer(g, "u12"), nullptr);
  EXPECT_EQ(ints_of(*initializer(g, "u12")), (Ints{12}));
  EXPECT_EQ(initializer(g, "i1"), nullptr);
  EXPECT_NE(initializer(g, "i0"), nullptr);  // gather0 still reads it
}

// x [N, 3, 4]: Reshape(x, Concat([-1], Shape(x)[1:])) is Reshape(x, [-1, 3, 4]);
// once the Slice folds nothing reads the Shape, and it goes too.
TEST(OnnxFoldConstants, ASliceOfStaticDimsFoldsAndTheShapeGoes) {
  onnx::ModelProto m = make_model(13);
  onnx::GraphProto& g = *m.mutable_graph();
  set_dims(g.add_input(), "x", {dim("N"), dim(3), dim(4)});
  add_ints(g, "one", {1}, {1});
  add_ints(g, "end", {1}, {INT64_MAX});  // clamped to the rank
  add_ints(g, "minus_one", {1}, {-1});
  add_node(g, "Shape", {"x"}, {"s"}, "shape");
  add_node(g, "Slice", {"s", "one", "end"}, {"tail"}, "slice");
  set_int(add_node(g, "Concat", {"minus_one", "tail"}, {"target"}, "concat"), "axis", 0);
  add_node(g, "Reshape", {"x", "target"}, {"y"}, "reshape");
  set_dims(g.add_output(), "y", {dim("N"), dim(3), dim(4)});
  const onnx::ModelProto r = folded("slice_of_shape", m);
  ASSERT_EQ(r.graph().node_size(), 1);
  EXPECT_EQ(r.graph().node(0).op_type(), "Reshape");
  ASSERT_EQ(r.graph().initializer_size(), 1);
  EXPECT_EQ(ints_of(*initializer(r.graph(), "target")), (Ints{-1, 3, 4}));
}

TEST(OnnxFoldConstants, ShapeStartSkipsTheDynamicBatch) {
  onnx::ModelProto m = make_model(15);
  onnx::GraphProto& g = *m.mutable_graph();
  set_dims(g.add_input(), "x", {dim("N"), dim(3), dim(4)});
  set_int(add_node(g, "Shape", {"x"}, {"s"}, "shape"), "start", -2);  // dims 1.. : [3, 4]
  add_node(g, "Identity", {"s"}, {"y"}, "keep");
  set_value(g.add_output(), "y", {2}, TP::INT64);
  const onnx::ModelProto r = folded("shape_start", m);
  ASSERT_EQ(r.graph().node_size(), 1);
  EXPECT_EQ(ints_of(*initializer(r.graph(), "s")), (Ints{3, 4}));
}

TEST(OnnxFoldConstants, ADynamicShapeWhollyReadStays) {
  onnx::ModelProto m = make_model(13);
  onnx::GraphProto& g = *m.mutable_graph();
  set_dims(g.add_input(), "x", {dim("N"), dim(3)});
  add_node(g, "Shape", {"x"}, {"s"}, "shape");
  add_node(g, "ConstantOfShape", {"s"}, {"y"}, "cos");
  set_dims(g.add_output(), "y", {dim("N"), dim(3)});
  const onnx::ModelProto r = folded("dynamic_shape", m);
  EXPECT_EQ(r.graph().node_size(), 2);
}

TEST(OnnxFoldConstants, LeavesNodesItCannotOrMustNotFold) {
  onnx::ModelProto m = make_model(17);
  m.add_opset_import()->set_domain("com.example");
  m.mutable_opset_import(1)->set_version(1);
  onnx::GraphProto& g = *m.mutable_graph();
  set_value(g.add_input(), "x", {2});
  set_value(g.add_input(), "w", {2});  // an input with a default: not a constant
  add_initializer(g, "w", {2}, {1, 2});
  add_initializer(g, "c", {2}, {3, 4});
  add_initializer(g, "d", {2}, {5, 6});
  add_node(g, "Add", {"x", "c"}, {"from_input"}, "non_constant");
  add_node(g, "Add", {"w", "c"}, {"from_default"}, "overridable");
  add_node(g, "Neg", {"c"}, {"neg"}, "unknown_op");  // not in the evaluator
  add_node(g, "Add", {"c", "d"}, {"out"}, "graph_output");
  add_node(g, "Custom", {"c"}, {"custom"}, "other_domain")->set_domain("com.example");
  // A float ConstantOfShape of 5000 x 5000 is 100 MB, over the 64 MiB cap.
  add_ints(g, "big_shape", {2}, {5000, 5000});
  add_node(g, "ConstantOfShape", {"big_shape"}, {"big"}, "too_big");
  add_node(g, "Sum", {"from_input", "from_default", "neg", "custom"}, {"sum"}, "sum");
  add_node(g, "Shape", {"big"}, {"big_dims"}, "big_shape_of");
  for (const char* out : {"out", "sum"}) set_value(g.add_output(), out, {2});
  set_value(g.add_output(), "big_dims", {2}, TP::INT64);
  const onnx::ModelProto r = folded("left_alone", m);
  const onnx::GraphProto& rg = r.graph();
  for (const char* name :
       {"non_constant", "overridable", "unknown_op", "graph_output", "other_domain", "too_big"})
    EXPECT_NE(find_node(rg, name), nullptr) << name;
  // Shape of the big (static) result is the small [5000, 5000], but it
  // produces a graph output, so its node stays too.
  EXPECT_NE(find_node(rg, "big_shape_of"), nullptr);
  EXPECT_EQ(rg.node_size(), m.graph().node_size());
  EXPECT_EQ(rg.initializer_size(), m.graph().initializer_size());
}

TEST(OnnxFoldConstants, LeavesNodesWithSubgraphs) {
  onnx::ModelProto m = make_model(17);
  onnx::GraphProto& g = *m.mutable_graph();
  onnx::TensorProto cond;
  cond.set_name("cond");
  cond.set_data_type(TP::BOOL);
  cond.add_int32_data(1);
  *g.add_initializer() = cond;
  add_initializer(g, "c", {1}, {2});
  onnx::NodeProto* if_node = add_node(g, "If", {"cond"}, {"r"}, "if");
  for (const char* branch : {"then_branch", "else_branch"}) {
    onnx::AttributeProto* a = if_node->add_attribute();
    a->set_name(branch);
    a->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto* body = a->mutable_g();
    body->set_name(branch);
    add_node(*body, "Identity", {"c"}, {std::string(branch) + "_out"});
    set_value(body->add_output(), std::string(branch) + "_out", {1});
  }
  add_node(g, "Identity", {"r"}, {"y"}, "keep");
  set_value(g.add_output(), "y", {1});
  const onnx::ModelProto r = folded("subgraph", m);
  EXPECT_EQ(r.graph().node_size(), 2);
  EXPECT_NE(initializer(r.graph(), "c"), nullptr);  // the bodies read it
}

// A real model folded: it passes the checker (rewrite_onnx runs it), has
// fewer nodes (unless `shrinks` is false: nothing to fold), and ONNX Runtime
// gives the same outputs to 1e-6 on the inputs saved beside it.
void expect_same_outputs(const std::string& model, bool shrinks = true) {
  const onnx::ModelProto original = load(model_path(model));
  std::string in;
  const onnx::ModelProto r = folded(model, original, &in);
  std::cout << model << ": " << original.graph().node_size() << " nodes before, "
            << r.graph().node_size() << " after\n";
  if (shrinks)
    EXPECT_LT(r.graph().node_size(), original.graph().node_size());
  else
    EXPECT_LE(r.graph().node_size(), original.graph().node_size());

  std::string why;
  const BackendManager* ort = ort_backend(&why);
  if (ort == nullptr) GTEST_SKIP() << "no onnxruntime backend in this build: " << why;
  NamedTensors feed;
  for (const auto& f :
       std::filesystem::directory_iterator(models_dir() + "/" + model + "/inputs")) {
    auto t = read_npy(f.path().string());
    ASSERT_TRUE(t.ok()) << t.status().message();
    feed.set(f.path().stem().string(), *t);  // inputs/<input name>.npy
  }
  const std::string after = (scratch_dir() / (model + ".folded.onnx")).string();
  const NamedTensors a = run_ort(*ort, in, feed);
  const NamedTensors b = run_ort(*ort, after, feed);
  ASSERT_EQ(a.names(), b.names());
  for (size_t i = 0; i < a.size(); ++i) {
    const Tensor& ta = a[i].second;
    const Tensor& tb = b[i].second;
    ASSERT_EQ(ta.shape(), tb.shape()) << a[i].first;
    ASSERT_EQ(ta.dtype(), tb.dtype()) << a[i].first;
    if (ta.dtype() != DType::kFloat32) {
      ASSERT_EQ(ta.nbytes(), tb.nbytes());
      EXPECT_EQ(std::memcmp(ta.data(), tb.data(), ta.nbytes()), 0) << a[i].first;
      continue;
    }
    const auto* pa = static_cast<const float*>(ta.data());
    const auto* pb = static_cast<const float*>(tb.data());
    for (int64_t k = 0; k < ta.numel(); ++k)
      ASSERT_NEAR(pa[k], pb[k], 1e-6) << a[i].first << " element " << k;
  }
}

TEST(OnnxFoldConstants, TransformerLayerKeepsItsOutputs) {
  NNPORT_SKIP_WITHOUT_MODEL("transformer_layer");
  expect_same_outputs("transformer_layer");
  // Its attention's Shape -> Gather -> Add/Div/Mul chain feeds Slice bounds:
  // with a static input all of it folds.
  const onnx::ModelProto r = load((scratch_dir() / "transformer_layer.folded.onnx").string());
  EXPECT_EQ(count_op(r.graph(), "Shape"), 0);
  EXPECT_EQ(count_op(r.graph(), "Constant"), 0);
}

TEST(OnnxFoldConstants, MobileNetV2KeepsItsOutputs) {
  NNPORT_SKIP_WITHOUT_MODEL("mobilenet_v2");
  expect_same_outputs("mobilenet_v2");
}

TEST(OnnxFoldConstants, EfficientNetB0KeepsItsOutputs) {
  NNPORT_SKIP_WITHOUT_MODEL("efficientnet_b0");
  expect_same_outputs("efficientnet_b0");
}

TEST(OnnxFoldConstants, SqueezeNetKeepsItsOutputs) {
  NNPORT_SKIP_WITHOUT_MODEL("squeezenet1_1");
  expect_same_outputs("squeezenet1_1");
}

// The other test models: nothing or little to fold, but still the checker
// and the same outputs.
TEST(OnnxFoldConstants, OtherModelsKeepTheirOutputs) {
  for (const char* model : {"resnet18", "tiny_mlp", "int64_input", "two_in_two_out"}) {
    if (!have_model(model)) continue;
    SCOPED_TRACE(model);
    expect_same_outputs(model, /*shrinks=*/false);
  }
}

}  // namespace
}  // namespace nnport
