package goja

import "testing"

func TestDefineLazyGlobal(t *testing.T) {
	vm := New()
	calls := 0
	if err := vm.DefineLazyGlobal("Lazy", func() Value {
		calls++
		return vm.ToValue(42)
	}, true, false, true); err != nil {
		t.Fatal(err)
	}
	// Knowing the property exists, or listing names, computes nothing.
	v, err := vm.RunString(`'Lazy' in globalThis && Object.getOwnPropertyNames(globalThis).includes('Lazy')`)
	if err != nil {
		t.Fatal(err)
	}
	if !v.ToBoolean() || calls != 0 {
		t.Fatalf("exists: %v, computed %d times; want true, 0", v, calls)
	}
	v, err = vm.RunString(`
		const d = Object.getOwnPropertyDescriptor(globalThis, 'Lazy');
		[d.value, 'get' in d, d.writable, d.enumerable, d.configurable, Lazy, Object.keys(globalThis).includes('Lazy')].join()`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), "42,false,true,false,true,42,false"; got != want || calls != 1 {
		t.Fatalf("got %s computed %d times; want %s, once", got, calls, want)
	}
	if err := vm.DefineLazyGlobal("Lazy", func() Value { return nil }, true, true, true); err == nil {
		t.Fatal("defining an existing global again succeeded")
	}
}

func TestDefineLazyGlobalAssignedOrDeletedFirst(t *testing.T) {
	vm := New()
	for _, name := range []string{"A", "B", "C"} {
		if err := vm.DefineLazyGlobal(name, func() Value { return vm.ToValue(name) }, true, true, true); err != nil {
			t.Fatal(err)
		}
	}
	v, err := vm.RunString(`
		A = 1;
		delete B;
		const keys = Object.keys(globalThis);
		[A, typeof B, 'B' in globalThis, C, keys.indexOf('A') < keys.indexOf('C')].join()`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), "1,undefined,false,C,true"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestDefineLazyGlobalOrder(t *testing.T) {
	vm := New()
	// A global defined before the lazy one lists before it, and one
	// defined after lists after, as with eager properties.
	if _, err := vm.RunString(`globalThis.before = 1`); err != nil {
		t.Fatal(err)
	}
	if err := vm.DefineLazyGlobal("lazy", func() Value { return vm.ToValue(2) }, true, true, true); err != nil {
		t.Fatal(err)
	}
	v, err := vm.RunString(`globalThis.after = 3; Object.keys(globalThis).filter((k) => ['before', 'lazy', 'after'].includes(k)).join()`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), "before,lazy,after"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	// Another runtime's global object is unchanged.
	if v, _ := New().RunString(`'lazy' in globalThis`); v.ToBoolean() {
		t.Fatal("the lazy global leaked into another runtime")
	}
}
