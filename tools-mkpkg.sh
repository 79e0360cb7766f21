mkpkg () 
{ 
    local dir=$1 name=$2 deps=$3;
    shift 3;
    local refs="";
    for r in "$@";
    do
        refs="$refs{ \"path\": \"../../$r\" },";
    done;
    refs="[${refs%,}]";
    cat > $dir/package.json <<EOF
{
  "name": "$name",
  "version": "0.1.0",
  "license": "MIT",
  "main": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": { "conveyor-source": "./src/index.ts", "types": "./dist/index.d.ts", "default": "./dist/index.js" },
    "./package.json": "./package.json"
  },
  "files": ["dist", "!dist/*.tsbuildinfo"],
  "dependencies": $deps
}
EOF

    cat > $dir/tsconfig.json <<EOF
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/.tsbuildinfo" },
  "include": ["src"],
  "references": $refs
}
EOF

}
