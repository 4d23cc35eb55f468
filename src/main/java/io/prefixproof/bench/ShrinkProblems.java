package io.prefixproof.bench;

import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The public shrinking benchmarks (jlink/shrinking-challenge, described in SHRINKING.md), each a generator
 * built from the engine's ordinary combinators, a false property and a canonical printer. No problem has
 * a shrink hint of its own.
 */
public final class ShrinkProblems {
  private ShrinkProblems() {}

  /** One benchmark problem. */
  public record Problem<T>(String name, Gen<T> gen, Property.Check<T> check, Function<T, String> printer, int tries) {}

  public static List<Problem<?>> all() {
    return List.of(bound5(), largeUnionList(), reverse(), calculator(), lengthList(),
        difference("difference_must_not_be_zero", d -> d != 0),
        difference("difference_must_not_be_small", d -> d < 1 || d > 4),
        difference("difference_must_not_be_one", d -> d != 1),
        binheap(), coupling(), deletion(), distinct(), nestedLists());
  }

  /** 16-bit wrap-around sum. */
  static short sum16(List<Short> xs) {
    short s = 0;
    for (short x : xs) {
      s = (short) (s + x);
    }
    return s;
  }

  static Problem<List<List<Short>>> bound5() {
    Gen<List<Short>> inner = Gen.lists(Gen.integers(Short.MIN_VALUE, Short.MAX_VALUE).map(Integer::shortValue), 0, 10)
        .filter(l -> sum16(l) < 256);
    Gen<List<List<Short>>> gen = Gen.listsOf(inner, 5);
    return new Problem<>("bound5", gen, t -> {
      List<Short> all = new ArrayList<>();
      t.forEach(all::addAll);
      return sum16(all) < 5 * 256;
    }, String::valueOf, 10_000);
  }

  static Problem<List<List<Integer>>> largeUnionList() {
    return new Problem<>("large_union_list", Gen.lists(Gen.lists(Gen.anyInt(), 0, 1000), 0, 1000), ls -> {
      Set<Integer> u = new HashSet<>();
      ls.forEach(u::addAll);
      return u.size() < 5;
    }, String::valueOf, 10_000);
  }

  static Problem<List<Integer>> reverse() {
    return new Problem<>("reverse", Gen.lists(Gen.anyInt(), 0, 1000), ls -> {
      List<Integer> r = new ArrayList<>(ls);
      Collections.reverse(r);
      return r.equals(ls);
    }, String::valueOf, 1000);
  }

  /** Expression trees for the calculator problem. */
  public sealed interface Expr {}

  record Lit(int value) implements Expr {
    @Override
    public String toString() {
      return Integer.toString(value);
    }
  }

  record Add(Expr left, Expr right) implements Expr {
    @Override
    public String toString() {
      return "(" + left + " + " + right + ")";
    }
  }

  record Div(Expr left, Expr right) implements Expr {
    @Override
    public String toString() {
      return "(" + left + " / " + right + ")";
    }
  }

  static Gen<Expr> expr(int depth) {
    Gen<Expr> lit = Gen.anyInt().map(Lit::new);
    if (depth == 0) {
      return lit;
    }
    Gen<Expr> sub = Gen.lazy(() -> expr(depth - 1));
    return Gen.oneOf(lit, Gen.combine(sub, sub, Add::new), Gen.combine(sub, sub, Div::new));
  }

  static boolean noLiteralZeroDivisor(Expr e) {
    if (e instanceof Add a) {
      return noLiteralZeroDivisor(a.left()) && noLiteralZeroDivisor(a.right());
    }
    if (e instanceof Div d) {
      return !(d.right() instanceof Lit l && l.value() == 0)
          && noLiteralZeroDivisor(d.left()) && noLiteralZeroDivisor(d.right());
    }
    return true;
  }

  /** Java int semantics: wrapping addition, truncating division. */
  static int eval(Expr e) {
    if (e instanceof Lit l) {
      return l.value();
    }
    if (e instanceof Add a) {
      return eval(a.left()) + eval(a.right());
    }
    Div d = (Div) e;
    return eval(d.left()) / eval(d.right());
  }

  static Problem<Expr> calculator() {
    return new Problem<>("calculator", expr(5).filter(ShrinkProblems::noLiteralZeroDivisor), e -> {
      try {
        eval(e);
        return true;
      } catch (ArithmeticException ex) {
        return false;
      }
    }, String::valueOf, 10_000);
  }

  static Problem<List<Integer>> lengthList() {
    Gen<List<Integer>> gen = Gen.integers(1, 100).flatMap(n -> Gen.listsOf(Gen.integers(0, 1000), n));
    return new Problem<>("lengthlist", gen,
        ls -> ls.stream().mapToInt(Integer::intValue).max().orElse(0) < 900, String::valueOf, 10_000);
  }

  static Problem<Gen.Pair<Integer, Integer>> difference(String name, java.util.function.IntPredicate ok) {
    Gen<Integer> pos = Gen.integers(1, Integer.MAX_VALUE);
    return new Problem<>(name, Gen.pairs(pos, pos), p -> {
      if (p.first() < 10) {
        return true;
      }
      return ok.test(Math.abs(p.first() - p.second()));
    }, String::valueOf, 100_000);
  }

  /** Binary heap node; {@code null} is the empty heap. */
  public record Heap(int head, Heap left, Heap right) {
    @Override
    public String toString() {
      return "(" + head + ", " + show(left) + ", " + show(right) + ")";
    }

    static String show(Heap h) {
      return h == null ? "None" : h.toString();
    }
  }

  static Gen<Heap> heap(int lo) {
    Gen<Heap> node = Gen.integers(lo, Integer.MAX_VALUE)
        .flatMap(head -> Gen.combine(Gen.lazy(() -> heap(head)), Gen.lazy(() -> heap(head)),
            (l, r) -> new Heap(head, l, r)));
    return Gen.frequency(List.of(3, 1), List.of(Gen.constant(null), node));
  }

  static List<Integer> toList(Heap h) {
    List<Integer> out = new ArrayList<>();
    Deque<Heap> stack = new ArrayDeque<>();
    stack.push(h == null ? new Heap(0, null, null) : h);
    if (h == null) {
      return out;
    }
    while (!stack.isEmpty()) {
      Heap x = stack.pop();
      out.add(x.head());
      if (x.left() != null) {
        stack.push(x.left());
      }
      if (x.right() != null) {
        stack.push(x.right());
      }
    }
    return out;
  }

  static Heap merge(Heap a, Heap b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.head() <= b.head() ? new Heap(a.head(), merge(a.right(), b), a.left())
        : new Heap(b.head(), merge(b.right(), a), b.left());
  }

  static List<Integer> wrongToSortedList(Heap h) {
    if (h == null) {
      return List.of();
    }
    List<Integer> out = new ArrayList<>();
    out.add(h.head());
    out.addAll(toList(merge(h.left(), h.right())));
    return out;
  }

  static Problem<Heap> binheap() {
    return new Problem<>("binheap", heap(0), h -> {
      List<Integer> l1 = toList(h);
      List<Integer> l2 = wrongToSortedList(h);
      List<Integer> sorted = new ArrayList<>(l2);
      Collections.sort(sorted);
      List<Integer> s1 = new ArrayList<>(l1);
      Collections.sort(s1);
      return sorted.equals(l2) && s1.equals(l2);
    }, Heap::show, 100_000);
  }

  static Problem<List<Integer>> coupling() {
    Gen<List<Integer>> gen = Gen.lists(Gen.integers(0, 10), 0, 1000)
        .filter(ls -> ls.stream().allMatch(x -> x < ls.size()));
    return new Problem<>("coupling", gen, ls -> {
      for (int i = 0; i < ls.size(); i++) {
        int j = ls.get(i);
        if (i != j && ls.get(j) == i) {
          return false;
        }
      }
      return true;
    }, String::valueOf, 10_000);
  }

  static Problem<Gen.Pair<List<Integer>, Integer>> deletion() {
    Gen<Gen.Pair<List<Integer>, Integer>> gen = Gen.lists(Gen.anyInt(), 1, 1000)
        .flatMap(ls -> Gen.integers(0, ls.size() - 1).map(i -> new Gen.Pair<>(ls, i)));
    return new Problem<>("deletion", gen, p -> {
      Integer x = p.first().get(p.second());
      List<Integer> copy = new ArrayList<>(p.first());
      copy.remove(x);
      return !copy.contains(x);
    }, String::valueOf, 10_000);
  }

  static Problem<List<Integer>> distinct() {
    return new Problem<>("distinct", Gen.lists(Gen.anyInt(), 0, 1000), ls -> new HashSet<>(ls).size() < 3,
        String::valueOf, 10_000);
  }

  static Problem<List<List<Integer>>> nestedLists() {
    return new Problem<>("nestedlists", Gen.lists(Gen.lists(Gen.integers(0, 0), 0, 1000), 0, 1000),
        ls -> ls.stream().mapToInt(List::size).sum() <= 10, String::valueOf, 10_000);
  }
}
