package stacks

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/internal/jsonvalue"
)

// decodeStrict decodes node into out (a pointer) and collects every problem with its
// field path: unknown keys, wrong types and duplicate keys. Nothing stops at the
// first problem, so one run reports all of them.
func decodeStrict(node *yaml.Node, out any, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	d := decoder{errs: &errs}
	d.decode(node, reflect.ValueOf(out).Elem(), path)
	return errs
}

type decoder struct{ errs *field.ErrorList }

// ScalarShorthand is a struct field type whose common case is written as one string
// (a release's `API_KEY: storefrontApiKey` for {config: storefrontApiKey}); the
// decoder hands the string to SetScalar and decodes a map as the struct.
type ScalarShorthand interface {
	SetScalar(string)
}

func at(n *yaml.Node) string { return fmt.Sprintf(" (line %d)", n.Line) }

func (d decoder) wrongType(n *yaml.Node, path *field.Path, want string) {
	*d.errs = append(*d.errs, field.TypeInvalid(path, describe(n), "must be "+want+at(n)))
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "<map>"
	case yaml.SequenceNode:
		return "<list>"
	default:
		return n.Value
	}
}

func (d decoder) decode(n *yaml.Node, v reflect.Value, path *field.Path) {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // leave the zero value: an explicit null means "use the default"
	}
	if n.Kind == yaml.ScalarNode && v.CanAddr() {
		if sh, ok := v.Addr().Interface().(ScalarShorthand); ok {
			if n.Tag != "!!str" {
				d.wrongType(n, path, "a string or a map")
				return
			}
			sh.SetScalar(n.Value)
			return
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.wrongType(n, path, "a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, s.Index(i), path.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.wrongType(n, path, "a map")
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if m.MapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key())).IsValid() {
				*d.errs = append(*d.errs, field.Duplicate(path.Key(k.Value), k.Value))
				continue
			}
			e := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, e, path.Key(k.Value))
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), e)
		}
		v.Set(m)
	case reflect.Interface:
		var x any
		if err := n.Decode(&x); err != nil {
			*d.errs = append(*d.errs, field.Invalid(path, describe(n), err.Error()))
			return
		}
		if x != nil {
			v.Set(reflect.ValueOf(jsonvalue.Normalize(x)))
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
			d.wrongType(n, path, "a string (quote numbers such as \"1.30\")")
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.wrongType(n, path, "true or false")
			return
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			d.wrongType(n, path, "an integer")
			return
		}
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil || v.OverflowInt(i) {
			d.wrongType(n, path, "an integer in range")
			return
		}
		v.SetInt(i)
	case reflect.Float64, reflect.Float32:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!float" && n.Tag != "!!int") {
			d.wrongType(n, path, "a number")
			return
		}
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			d.wrongType(n, path, "a number")
			return
		}
		v.SetFloat(f)
	default:
		*d.errs = append(*d.errs, field.InternalError(path, fmt.Errorf("cannot decode into %s", v.Type())))
	}
}

func (d decoder) decodeStruct(n *yaml.Node, v reflect.Value, path *field.Path) {
	if n.Kind != yaml.MappingNode {
		d.wrongType(n, path, "a map")
		return
	}
	fields := structFields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		idx, ok := fields[k.Value]
		if !ok {
			*d.errs = append(*d.errs, field.Invalid(path.Child(k.Value), k.Value,
				"unknown field"+at(k)+"; known fields: "+strings.Join(knownFields(fields), ", ")))
			continue
		}
		if seen[k.Value] {
			*d.errs = append(*d.errs, field.Duplicate(path.Child(k.Value), k.Value))
			continue
		}
		seen[k.Value] = true
		d.decode(val, v.Field(idx), path.Child(k.Value))
	}
}

// structFields maps yaml keys to field indexes of t.
func structFields(t reflect.Type) map[string]int {
	out := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name[:1]) + f.Name[1:]
		}
		out[name] = i
	}
	return out
}

func knownFields(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
