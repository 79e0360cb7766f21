from source_custom_pager.run import run

if __name__ == "__main__":
    run()
