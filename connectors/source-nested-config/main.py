from source_nested_config.run import run

if __name__ == "__main__":
    run()
