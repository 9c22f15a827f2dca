// The snapd oracle for model assertions: a judge built from Debian's snapd Go packages, not our code.
// Input (file given as the only argument): a JSON array of {"model": TEXT, "publicKey": ACCOUNT-KEY BODY or ""}.
// Output (stdout): a JSON array of {"decode": "ok"|error, "verify": "ok"|error|"skipped"}.
// "decode" is asserts.Decode (format and header rules); "verify" adds the model to a database whose trusted
// store stack has signed an account for the brand and an account-key for the public key, then Check()s it.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/asserts/assertstest"
)

type request struct {
	Model     string `json:"model"`
	PublicKey string `json:"publicKey"`
}

type verdict struct {
	Decode string `json:"decode"`
	Verify string `json:"verify"`
}

func judge(req request, store *assertstest.StoreStack) (v verdict) {
	defer func() {
		if r := recover(); r != nil {
			v.Verify = fmt.Sprintf("panic: %v", r)
		}
	}()
	a, err := asserts.Decode([]byte(req.Model))
	if err != nil {
		return verdict{Decode: err.Error(), Verify: "skipped"}
	}
	model, ok := a.(*asserts.Model)
	if !ok {
		return verdict{Decode: "not a model assertion", Verify: "skipped"}
	}
	if req.PublicKey == "" {
		return verdict{Decode: "ok", Verify: "skipped"}
	}
	pub, err := asserts.DecodePublicKey([]byte(req.PublicKey))
	if err != nil {
		return verdict{Decode: "ok", Verify: "cannot decode public key: " + err.Error()}
	}
	db, err := asserts.OpenDatabase(&asserts.DatabaseConfig{Backstore: asserts.NewMemoryBackstore(), Trusted: store.Trusted})
	if err != nil {
		return verdict{Decode: "ok", Verify: err.Error()}
	}
	if err := db.Add(store.StoreAccountKey("")); err != nil {
		return verdict{Decode: "ok", Verify: "cannot add the store key: " + err.Error()}
	}
	acct := assertstest.NewAccount(store, model.BrandID(), map[string]interface{}{"account-id": model.BrandID()}, "")
	key := assertstest.NewAccountKey(store, acct, map[string]interface{}{"since": "2016-01-01T00:00:00Z"}, pub, "")
	for _, x := range []asserts.Assertion{acct, key} {
		if err := db.Add(x); err != nil {
			return verdict{Decode: "ok", Verify: "cannot add " + x.Type().Name + ": " + err.Error()}
		}
	}
	if err := db.Check(model); err != nil {
		return verdict{Decode: "ok", Verify: err.Error()}
	}
	return verdict{Decode: "ok", Verify: "ok"}
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var reqs []request
	if err := json.Unmarshal(data, &reqs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	store := assertstest.NewStoreStack("canonical", nil)
	out := make([]verdict, len(reqs))
	for i, req := range reqs {
		out[i] = judge(req, store)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
