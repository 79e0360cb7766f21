from source_tasklist.run import run

if __name__ == "__main__":
    run()
