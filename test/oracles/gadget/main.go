// The snapd oracle for gadget.yaml: snapd's own InfoFromGadgetYaml + Validate for a UC20+ model (grade
// signed), built from Debian's snapd Go packages. It is our judge, not our code.
// Input (the only argument): a JSON array of gadget.yaml texts. Output: a JSON array of "ok" or snapd's error.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/gadget"
)

type uc20Model struct{}

func (uc20Model) Classic() bool              { return false }
func (uc20Model) Grade() asserts.ModelGrade { return asserts.ModelSigned }

func judge(text string) (verdict string) {
	defer func() {
		if r := recover(); r != nil {
			verdict = fmt.Sprintf("panic: %v", r)
		}
	}()
	info, err := gadget.InfoFromGadgetYaml([]byte(text), uc20Model{})
	if err != nil {
		return err.Error()
	}
	if err := gadget.Validate(info, uc20Model{}, nil); err != nil {
		return err.Error()
	}
	return "ok"
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var texts []string
	if err := json.Unmarshal(data, &texts); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = judge(t)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
